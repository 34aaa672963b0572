package dev.stampede;

import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.stampede.backend.ForwardingBackend;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AsynchronousCallsTest {

	@Test
	void aThreadThatCannotBeStartedFailsTheCallAndLeavesNoFlightBehind() throws Exception {
		AtomicBoolean threadsAvailable = new AtomicBoolean(false);
		EngineThreads threads = new EngineThreads(1, 1, 1, (task) -> {
			if (!threadsAvailable.get()) {
				throw new OutOfMemoryError("unable to create native thread");
			}
			return new Thread(task);
		});
		try (Stampede engine = new Stampede(new LocalBackend(100), StampedeSettings.standard(), "",
				Clock.systemUTC(), threads)) {
			CompletableFuture<Object> failed = engine.getAsync("c", "key",
					() -> CompletableFuture.completedFuture("never loaded"));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(OutOfMemoryError.class);
			assertThat(engine.inspection().inFlightCount()).isZero();
			assertThat(engine.get("c", "key", () -> "loaded")).isEqualTo("loaded");
			threadsAvailable.set(true);
			engine.evict("c", "key");
			assertThat(engine.getAsync("c", "key", () -> CompletableFuture.completedFuture("loaded later"))
				.get(10, TimeUnit.SECONDS)).isEqualTo("loaded later");
		}
	}

	@Test
	void callsUnderWayWhenTheEngineClosesFailRatherThanHang() throws Exception {
		Stampede engine = new Stampede(new LocalBackend(100));
		CompletableFuture<Object> never = new CompletableFuture<>();
		CompletableFuture<Object> call = engine.getAsync("c", "key", () -> never);
		engine.close();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> call.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(StampedeException.class);
		assertThat(engine.inspection().inFlightCount()).isZero();
	}

	@RepeatedTest(3)
	void aWaiterWhosePauseTheClosingEngineRefusesHearsThatTheEngineIsClosed() throws Exception {
		LocalBackend store = new LocalBackend(100);
		AtomicBoolean armed = new AtomicBoolean();
		CountDownLatch reading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		StampedeBackend held = new ForwardingBackend(store) {
			@Override
			public Slot read(String key, Type valueType) {
				if (armed.compareAndSet(true, false)) {
					reading.countDown();
					Uninterrupted.run(() -> {
						try {
							release.await();
						}
						catch (InterruptedException ex) {
							throw new IllegalStateException(ex);
						}
					});
				}
				return super.read(key, valueType);
			}
		};
		try (Stampede holder = new Stampede(store)) {
			holder.getAsync("c", "key", CompletableFuture::new);
			Stampede engine = new Stampede(held);
			CompletableFuture<Object> call = engine.getAsync("c", "key", () -> CompletableFuture.completedFuture("v"));
			await().atMost(Duration.ofSeconds(10)).until(() -> engine.inspection().waitingCount() == 1);
			armed.set(true);
			assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
			// The engine's scheduler is shut down while the waiter reads; its next pause is refused.
			Thread closer = new Thread(engine::close);
			closer.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
			release.countDown();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> call.get(10, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(StampedeException.class)
				.withMessage("Stampede is closed");
			closer.join(10_000);
			assertThat(engine.inspection().inFlightCount()).isZero();
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> engine.getAsync("c", "later", () -> CompletableFuture.completedFuture("v"))
					.get(10, TimeUnit.SECONDS))
				.havingCause()
				.withMessage("Stampede is closed");
		}
	}

	/**
	 * A call site of another type that joins a load under way gets a value of its own
	 * type, as a blocking caller does (it resolves on a flight of its own), never the
	 * other call site's value.
	 */
	@Test
	void anAsynchronousCallerOfAnotherTypeThatJoinsALoadGetsAValueOfItsOwnType() throws Exception {
		try (Stampede engine = new Stampede(new LocalBackend(100))) {
			CallSite strings = engine.callSite("c", CacheSettings.Overrides.NONE, "strings", String.class);
			CallSite numbers = engine.callSite("c", CacheSettings.Overrides.NONE, "numbers", Integer.class);
			CompletableFuture<String> loading = new CompletableFuture<>();
			CompletableFuture<String> string = engine.getAsync(strings, "key", () -> loading, (value) -> true);
			CompletableFuture<Integer> number = engine.getAsync(numbers, "key",
					() -> CompletableFuture.completedFuture(42), (value) -> true);
			loading.complete("a string");
			assertThat(string.get(10, TimeUnit.SECONDS)).isEqualTo("a string");
			Object answer = number.get(10, TimeUnit.SECONDS);
			assertThat(answer).isInstanceOf(Integer.class);
		}
	}

	@Test
	void anAsynchronousCallUsesTheBackendOnlyOnTheEnginesThreadsNeverOnTheCallersNorOnTheOneThatEndsItsLoad()
			throws Exception {
		ThreadRecordingBackend backend = new ThreadRecordingBackend();
		try (Stampede engine = new Stampede(backend)) {
			// The first call learns the key's generation from the backend; the loads end on this
			// thread, after the engine registered for their completion.
			CompletableFuture<Object> load = new CompletableFuture<>();
			CountDownLatch loading = new CountDownLatch(1);
			CompletableFuture<Object> loaded = engine.getAsync("c", "key", () -> {
				loading.countDown();
				return load;
			});
			assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
			load.complete("loaded");
			assertThat(loaded.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
			CompletableFuture<Object> failingLoad = new CompletableFuture<>();
			CountDownLatch failing = new CountDownLatch(1);
			CompletableFuture<Object> failed = engine.getAsync("c", "other", () -> {
				failing.countDown();
				return failingLoad;
			});
			assertThat(failing.await(10, TimeUnit.SECONDS)).isTrue();
			failingLoad.completeExceptionally(new IllegalStateException("boom"));
			assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("boom");
			assertThat(backend.operations).contains("generation", "read", "tryLease", "fulfilLease", "abandonLease");
			assertThat(backend.threads).allSatisfy((name) -> assertThat(name).startsWith("stampede-async-"));
			assertThat(engine.getAsync("c", "other", () -> CompletableFuture.completedFuture("reloaded"))
				.get(10, TimeUnit.SECONDS)).as("the failed load's lease was released").isEqualTo("reloaded");
		}
	}

	/** A shared backend as the engine sees one (not in-process), naming each thread that called it. */
	private static final class ThreadRecordingBackend extends ForwardingBackend {

		final Set<String> threads = ConcurrentHashMap.newKeySet();

		final Set<String> operations = ConcurrentHashMap.newKeySet();

		ThreadRecordingBackend() {
			super(new LocalBackend(100));
		}

		@Override
		public boolean isInProcess() {
			return false;
		}

		@Override
		public long generation(String key) {
			record("generation");
			return super.generation(key);
		}

		@Override
		public Slot read(String key, Type valueType) {
			record("read");
			return super.read(key, valueType);
		}

		@Override
		public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl, LoadEstimate estimate) {
			record("tryLease");
			return super.tryLease(key, observed, token, leaseTtl, estimate);
		}

		@Override
		public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
			record("fulfilLease");
			return super.fulfilLease(cache, key, token, envelope, ttl);
		}

		@Override
		public void abandonLease(String cache, String key, String token) {
			record("abandonLease");
			super.abandonLease(cache, key, token);
		}

		private void record(String operation) {
			this.threads.add(Thread.currentThread().getName());
			this.operations.add(operation);
		}

	}

}
