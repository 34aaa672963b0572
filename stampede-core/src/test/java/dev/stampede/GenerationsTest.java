package dev.stampede;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.stampede.backend.KeyEventListener;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GenerationsTest {

	private final AtomicLong now = new AtomicLong(5_000_000_000L);

	private final GenerationStore store = new GenerationStore();

	private final CacheKeys keys = new CacheKeys("");

	private final Generations generations = new Generations(this.store, this.keys, this.now::get);

	@Test
	void theBackendIsAskedOnceASecondAtMost() {
		this.store.value.set(7);
		assertThat(this.generations.prefix("c").text()).isEqualTo("c@7:");
		this.store.value.set(8);
		this.now.addAndGet(Generations.CHECK_INTERVAL_NANOS - 1);
		assertThat(this.generations.prefix("c").text()).isEqualTo("c@7:");
		this.now.addAndGet(1);
		assertThat(this.generations.prefix("c").text()).isEqualTo("c@8:");
		assertThat(this.store.reads).hasValue(2);
	}

	@Test
	void aGenerationThatTheBackendCannotTellIsMinusOneAndAskedAgainASecondLater() {
		this.store.failing = true;
		assertThat(this.generations.prefix("c").text()).isEqualTo("c@-1:");
		assertThat(this.generations.prefix("c").text()).isEqualTo("c@-1:");
		assertThat(this.store.reads).hasValue(1);
		this.store.failing = false;
		this.store.value.set(3);
		this.now.addAndGet(Generations.CHECK_INTERVAL_NANOS);
		assertThat(this.generations.prefix("c").text()).isEqualTo("c@3:");
	}

	@Test
	void evictingEverythingMovesThisJvmToTheNewGenerationAtOnce() {
		this.store.value.set(7);
		this.generations.prefix("c");
		this.generations.advance("c");
		assertThat(this.generations.prefix("c").text()).isEqualTo("c@8:");
	}

	@Test
	void aReadThatStartedBeforeEvictingEverythingCannotBringTheOldGenerationBack() throws Exception {
		this.store.value.set(7);
		this.generations.prefix("c");
		this.now.addAndGet(Generations.CHECK_INTERVAL_NANOS);
		CountDownLatch release = new CountDownLatch(1);
		this.store.holdNextRead = release;
		FutureTask<String> reader = new FutureTask<>(() -> this.generations.prefix("c").text());
		new Thread(reader).start();
		assertThat(this.store.readHeld.await(10, TimeUnit.SECONDS)).isTrue();
		this.generations.advance("c");
		release.countDown();
		reader.get(10, TimeUnit.SECONDS);
		assertThat(this.generations.prefix("c").text()).isEqualTo("c@8:");
	}

	@Test
	void anotherJvmsEvictionIsReadOnTheNextCall() {
		this.store.value.set(7);
		this.generations.prefix("c");
		this.store.value.set(9);
		this.generations.outdated("c");
		assertThat(this.generations.prefix("c").text()).isEqualTo("c@9:");
	}

	@Test
	void anInProcessBackendIsNotAskedAgainOnceItTold() {
		this.store.inProcess = true;
		this.store.value.set(2);
		this.generations.prefix("c");
		this.now.addAndGet(Generations.CHECK_INTERVAL_NANOS * 10);
		this.generations.prefix("c");
		assertThat(this.store.reads).hasValue(1);
	}

	@Test
	void anEvictionToldWhileTheGenerationIsBeingReadIsNotLostOnAnInProcessBackend() throws Exception {
		this.store.inProcess = true;
		this.store.value.set(7);
		CountDownLatch release = new CountDownLatch(1);
		this.store.holdNextRead = release;
		FutureTask<String> reader = new FutureTask<>(() -> this.generations.prefix("c").text());
		new Thread(reader).start();
		assertThat(this.store.readHeld.await(10, TimeUnit.SECONDS)).isTrue();
		// Another engine on the backend evicts everything and tells this one, while its read of 7 is under way.
		this.store.nextGeneration("c#generation");
		this.generations.outdated("c");
		release.countDown();
		reader.get(10, TimeUnit.SECONDS);
		this.now.addAndGet(Generations.CHECK_INTERVAL_NANOS * 10);
		assertThat(this.generations.prefix("c").text()).isEqualTo("c@8:");
	}

	@Test
	void anEvictionToldWhileTheGenerationIsBeingReadIsReadOnTheNextCall() throws Exception {
		this.store.value.set(7);
		CountDownLatch release = new CountDownLatch(1);
		this.store.holdNextRead = release;
		FutureTask<String> reader = new FutureTask<>(() -> this.generations.prefix("c").text());
		new Thread(reader).start();
		assertThat(this.store.readHeld.await(10, TimeUnit.SECONDS)).isTrue();
		// Redis tells this JVM of another's eviction at once: the next call must not use generation 7.
		this.store.nextGeneration("c#generation");
		this.generations.outdated("c");
		release.countDown();
		reader.get(10, TimeUnit.SECONDS);
		assertThat(this.generations.prefix("c").text()).isEqualTo("c@8:");
	}

	@Test
	void aCallerThatMustNotWaitIsToldToReadAGenerationThisJvmDoesNotKnowYet() {
		this.store.value.set(7);
		CallSite site = callSite();
		assertThat(this.generations.prefixWithoutWaiting(site, (task) -> {
			throw new AssertionError("nothing to check in the background");
		})).isNull();
		assertThat(this.store.reads).hasValue(0);
		assertThat(this.generations.prefix(site).text()).isEqualTo("c@7:");
		assertThat(this.generations.prefixWithoutWaiting(site, Runnable::run).text()).isEqualTo("c@7:");
		assertThat(this.store.reads).hasValue(1);
	}

	@Test
	void aCheckThatIsDueRunsInTheBackgroundWhileTheCallerGoesOnWithTheGenerationItKnows() {
		this.store.value.set(7);
		CallSite site = callSite();
		this.generations.prefix(site);
		this.store.value.set(8);
		this.now.addAndGet(Generations.CHECK_INTERVAL_NANOS);
		List<Runnable> background = new ArrayList<>();
		assertThat(this.generations.prefixWithoutWaiting(site, background::add).text()).isEqualTo("c@7:");
		assertThat(this.generations.prefixWithoutWaiting(site, background::add).text()).isEqualTo("c@7:");
		assertThat(background).as("one check at a time").hasSize(1);
		assertThat(this.store.reads).hasValue(1);
		background.get(0).run();
		assertThat(this.store.reads).hasValue(2);
		assertThat(this.generations.prefixWithoutWaiting(site, background::add).text()).isEqualTo("c@8:");
	}

	@Test
	void anEvictionAnotherJvmToldIsReadBeforeTheCallerThatMustNotWaitUsesAKey() {
		this.store.value.set(7);
		CallSite site = callSite();
		this.generations.prefix(site);
		this.generations.outdated("c");
		assertThat(this.generations.prefixWithoutWaiting(site, Runnable::run)).isNull();
	}

	private CallSite callSite() {
		return new CallSites(StampedeSettings.standard(), this.store, () -> StampedeObserver.NONE, this.generations)
			.programmatic("c");
	}

	/** Keeps generations only; the store of everything else is not needed here. */
	private static final class GenerationStore implements StampedeBackend {

		final AtomicLong value = new AtomicLong();

		final AtomicInteger reads = new AtomicInteger();

		final CountDownLatch readHeld = new CountDownLatch(1);

		volatile CountDownLatch holdNextRead;

		volatile boolean failing;

		volatile boolean inProcess;

		@Override
		public long generation(String key) {
			this.reads.incrementAndGet();
			if (this.failing) {
				throw new StampedeBackendException("down", null);
			}
			long read = this.value.get();
			CountDownLatch hold = this.holdNextRead;
			if (hold != null) {
				this.holdNextRead = null;
				this.readHeld.countDown();
				try {
					hold.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return read;
		}

		@Override
		public long nextGeneration(String key) {
			return this.value.incrementAndGet();
		}

		@Override
		public boolean isInProcess() {
			return this.inProcess;
		}

		@Override
		public String name() {
			return "generations";
		}

		@Override
		public Slot read(String key, Type valueType) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void abandonLease(String cache, String key, String token) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean tryRefreshLease(String key, String token, Duration leaseTtl) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean replace(String key, long version, Envelope envelope, Duration ttl) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void releaseRefreshLease(String key, String token) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void evict(String key) {
			throw new UnsupportedOperationException();
		}

		@Override
		public AutoCloseable subscribe(KeyEventListener listener) {
			return () -> {
			};
		}

	}

}
