package dev.stampede.backend;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.Envelope;
import dev.stampede.StampedeBackendException;
import dev.stampede.StampedeInterruptedException;
import dev.stampede.backend.local.LocalBackend;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CircuitBreakingBackendTest {

	private static final Duration OPEN_FOR = Duration.ofMillis(50);

	private final FlakyBackend delegate = new FlakyBackend();

	private final CircuitBreakingBackend backend = new CircuitBreakingBackend(this.delegate, 2, OPEN_FOR);

	@Test
	void anErrorThrownByTheHalfOpenProbeLeavesTheNextCallToProbeAgain() throws InterruptedException {
		openTheCircuitAndWaitForTheProbe();
		this.delegate.failWith(() -> {
			throw new StackOverflowError("thrown by the probe");
		});
		int callsBefore = this.delegate.calls.get();
		assertThatExceptionOfType(StackOverflowError.class).isThrownBy(() -> this.backend.read("key"));
		assertThat(this.delegate.calls).as("the probe reached the backend").hasValue(callsBefore + 1);
		this.delegate.heal();
		assertThat(this.backend.read("key")).isEqualTo(Slot.EMPTY);
		assertThat(this.backend.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void anAssertionErrorInTheClosedStateIsNotCountedAsASuccessThatHidesFailures() {
		this.delegate.failWith(() -> {
			throw new StampedeBackendException("down", null);
		});
		assertThatExceptionOfType(StampedeBackendException.class).isThrownBy(() -> this.backend.read("key"));
		this.delegate.failWith(() -> {
			throw new AssertionError("a bug, not an answer from the backend");
		});
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.backend.read("key"));
		this.delegate.failWith(() -> {
			throw new StampedeBackendException("down", null);
		});
		assertThatExceptionOfType(StampedeBackendException.class).isThrownBy(() -> this.backend.read("key"));
		assertThat(this.backend.circuitState()).as("two consecutive failures with an error between them")
			.isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void interruptedCallsLeaveAClosedCircuitClosed() {
		this.delegate.failWith(() -> {
			throw new StampedeInterruptedException("interrupted", null);
		});
		for (int i = 0; i < 10; i++) {
			assertThatExceptionOfType(StampedeInterruptedException.class).isThrownBy(() -> this.backend.read("key"));
		}
		assertThat(this.backend.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void anInterruptedProbeNeitherClosesTheCircuitNorUsesUpTheProbe() throws InterruptedException {
		openTheCircuitAndWaitForTheProbe();
		this.delegate.failWith(() -> {
			throw new StampedeInterruptedException("interrupted", null);
		});
		assertThatExceptionOfType(StampedeInterruptedException.class).isThrownBy(() -> this.backend.read("key"));
		assertThat(this.backend.circuitState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		this.delegate.failWith(() -> {
			throw new StampedeBackendException("still down", null);
		});
		int callsBefore = this.delegate.calls.get();
		assertThatExceptionOfType(StampedeBackendException.class).isThrownBy(() -> this.backend.read("key"))
			.withMessage("still down");
		assertThat(this.delegate.calls).as("the next call probed").hasValue(callsBefore + 1);
		assertThat(this.backend.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void anOpenCircuitSkipsTheBackend() {
		this.delegate.failWith(() -> {
			throw new StampedeBackendException("down", null);
		});
		assertThatExceptionOfType(StampedeBackendException.class).isThrownBy(() -> this.backend.read("key"));
		assertThatExceptionOfType(StampedeBackendException.class).isThrownBy(() -> this.backend.read("key"));
		int callsBefore = this.delegate.calls.get();
		assertThatExceptionOfType(StampedeBackendException.class).isThrownBy(() -> this.backend.read("key"))
			.withMessageContaining("circuit opened");
		assertThat(this.delegate.calls).hasValue(callsBefore);
	}

	private void openTheCircuitAndWaitForTheProbe() throws InterruptedException {
		this.delegate.failWith(() -> {
			throw new StampedeBackendException("down", null);
		});
		assertThatExceptionOfType(StampedeBackendException.class).isThrownBy(() -> this.backend.read("key"));
		assertThatExceptionOfType(StampedeBackendException.class).isThrownBy(() -> this.backend.read("key"));
		assertThat(this.backend.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
		Thread.sleep(OPEN_FOR.toMillis() * 2);
	}

	/** A local backend that runs a given action, which may throw, before every operation. */
	private static final class FlakyBackend implements StampedeBackend {

		private final LocalBackend local = new LocalBackend(100);

		private final AtomicInteger calls = new AtomicInteger();

		private volatile Runnable beforeEachCall = () -> {
		};

		void failWith(Runnable failure) {
			this.beforeEachCall = failure;
		}

		void heal() {
			this.beforeEachCall = () -> {
			};
		}

		private void call() {
			this.calls.incrementAndGet();
			this.beforeEachCall.run();
		}

		@Override
		public String name() {
			return "flaky";
		}

		@Override
		public Slot read(String key, Type valueType) {
			call();
			return this.local.read(key, valueType);
		}

		@Override
		public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl) {
			call();
			return this.local.tryLease(key, observed, token, leaseTtl);
		}

		@Override
		public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
			call();
			return this.local.fulfilLease(cache, key, token, envelope, ttl);
		}

		@Override
		public void abandonLease(String cache, String key, String token) {
			call();
			this.local.abandonLease(cache, key, token);
		}

		@Override
		public boolean tryRefreshLease(String key, String token, Duration leaseTtl) {
			call();
			return this.local.tryRefreshLease(key, token, leaseTtl);
		}

		@Override
		public boolean replace(String key, long version, Envelope envelope, Duration ttl) {
			call();
			return this.local.replace(key, version, envelope, ttl);
		}

		@Override
		public void releaseRefreshLease(String key, String token) {
			call();
			this.local.releaseRefreshLease(key, token);
		}

		@Override
		public void evict(String key) {
			call();
			this.local.evict(key);
		}

		@Override
		public long generation(String key) {
			call();
			return this.local.generation(key);
		}

		@Override
		public long nextGeneration(String key) {
			call();
			return this.local.nextGeneration(key);
		}

	}

}
