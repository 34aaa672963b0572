package dev.stampede.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.CacheSettings;
import dev.stampede.CacheEvent;
import dev.stampede.Outcome;
import dev.stampede.Stampede;
import dev.stampede.StampedeInterruptedException;
import dev.stampede.backend.Slot;
import dev.stampede.test.HoldingBackend.Hold;
import dev.stampede.test.HoldingBackend.Operation;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Interleavings that timing alone rarely produces, forced with a {@link HoldingBackend}
 * or latches, on every backend: evictions against reads that were answered just
 * before them, interrupts of the threads that own or win a flight, asynchronous
 * callers on many keys at once. A backend passes by extending this class.
 */
public abstract class EngineInterleavingContract extends EngineSuite {

	private static final String CACHE = "interleaving";


	@RepeatedTest(3)
	void anEvictionWinsOverAReadTheBackendAnsweredJustBeforeIt() throws Exception {
		HoldingBackend held = holding();
		Stampede engine = engine(held, EngineContract.withLocalTier(Duration.ofMinutes(10)));
		Stampede writer = engine(createBackend(), EngineContract.SETTINGS);
		String key = uniqueKey();
		writer.get(CACHE, key, () -> "old");
		Hold hold = held.holdAfter(Operation.READ, key);
		FutureTask<Object> reader = start(() -> engine.get(CACHE, key, () -> "loaded by the reader"));
		hold.awaitReached();
		engine.evict(CACHE, key);
		hold.release();
		assertThat(reader.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("old");
		assertThat(engine.get(CACHE, key, () -> "new")).isEqualTo("new");
	}

	@RepeatedTest(3)
	void anEvictionWinsOverTheWinnersOwnWriteWhenItComesBeforeTheLocalTierIsFilled() throws Exception {
		HoldingBackend held = holding();
		Stampede engine = engine(held, EngineContract.withLocalTier(Duration.ofMinutes(10)));
		String key = uniqueKey();
		Hold hold = held.holdAfter(Operation.FULFIL_LEASE, key);
		FutureTask<Object> winner = start(() -> engine.get(CACHE, key, () -> "old"));
		hold.awaitReached();
		engine.evict(CACHE, key);
		hold.release();
		assertThat(winner.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("old");
		assertThat(engine.get(CACHE, key, () -> "new")).isEqualTo("new");
	}

	@RepeatedTest(3)
	void anInterruptedFlightOwnerStopsAloneAndTheCallersThatJoinedItGetTheValue() throws Exception {
		Stampede holderEngine = engine(createBackend(), EngineContract.SETTINGS);
		Stampede engine = engine(createBackend(), EngineContract.SETTINGS);
		String key = uniqueKey();
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch finishLoad = new CountDownLatch(1);
		FutureTask<Object> holder = start(() -> holderEngine.get(CACHE, key, () -> {
			loading.countDown();
			finishLoad.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
			return "the holder's value";
		}));
		assertThat(loading.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		AtomicBoolean interruptKept = new AtomicBoolean();
		FutureTask<Object> owner = new FutureTask<>(() -> {
			try {
				return engine.get(CACHE, key, () -> "loaded by the owner");
			}
			finally {
				interruptKept.set(Thread.currentThread().isInterrupted());
			}
		});
		Thread ownerThread = new Thread(owner, "flight-owner");
		ownerThread.start();
		await().atMost(Stampedes.BOUND).until(() -> stats(engine).count(CacheEvent.LEASE_LOST) == 1);
		List<FutureTask<Object>> joined = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			joined.add(start(() -> engine.get(CACHE, key, () -> "loaded by a joined caller")));
		}
		await().atMost(Stampedes.BOUND).until(() -> stats(engine).count(CacheEvent.JOINED) == 4);
		ownerThread.interrupt();
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> owner.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS))
			.withCauseInstanceOf(StampedeInterruptedException.class);
		assertThat(interruptKept).isTrue();
		finishLoad.countDown();
		assertThat(holder.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("the holder's value");
		for (FutureTask<Object> caller : joined) {
			assertThat(caller.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("the holder's value");
		}
		assertThat(engine.inspection().inFlightCount()).isZero();
	}

	@RepeatedTest(3)
	void aLoaderFailedByItsOwnThreadsInterruptFailsOnlyThatCaller() throws Exception {
		Stampede engine = engine(createBackend(), EngineContract.SETTINGS);
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch never = new CountDownLatch(1);
		FutureTask<Object> owner = new FutureTask<>(() -> engine.get(CACHE, key, () -> {
			loads.incrementAndGet();
			loading.countDown();
			never.await();
			return "never returned";
		}));
		Thread ownerThread = new Thread(owner, "flight-owner");
		ownerThread.start();
		assertThat(loading.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		List<FutureTask<Object>> joined = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			joined.add(start(() -> engine.get(CACHE, key, () -> "loaded after the interrupt " + loads.incrementAndGet())));
		}
		await().atMost(Stampedes.BOUND).until(() -> stats(engine).count(CacheEvent.JOINED) == 4);
		ownerThread.interrupt();
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> owner.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS))
			.withCauseInstanceOf(InterruptedException.class);
		List<Object> values = new ArrayList<>();
		for (FutureTask<Object> caller : joined) {
			values.add(caller.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS));
		}
		assertThat(values).containsOnly("loaded after the interrupt 2");
		assertThat(loads).hasValue(2);
		assertThat(stats(engine).leasesHeld()).isZero();
	}

	@RepeatedTest(3)
	void aLoaderThatRestoresAnInterruptStillHasItsValueStoredAndReturned() throws Exception {
		Stampede engine = engine(createBackend(), EngineContract.SETTINGS);
		Stampede other = engine(createBackend(), EngineContract.SETTINGS);
		String key = uniqueKey();
		AtomicBoolean interruptKept = new AtomicBoolean();
		FutureTask<Object> winner = start(() -> {
			Object value = engine.get(CACHE, key, () -> {
				Thread.currentThread().interrupt();
				return "value";
			});
			interruptKept.set(Thread.interrupted());
			return value;
		});
		assertThat(winner.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("value");
		assertThat(interruptKept).isTrue();
		assertThat(stats(engine).leasesHeld()).isZero();
		assertThat(engine.inspection().backend().read(engine.inspection().backendKey(CACHE, key)))
			.isInstanceOf(Slot.Present.class);
		assertThat(other.get(CACHE, key, () -> "loaded again")).isEqualTo("value");
	}

	@Test
	void asynchronousCallersOnManyColdKeysCostNoThreadPerKey() throws Exception {
		// other engines of this JVM, such as those of cached application contexts, have threads of their own
		long othersThreads = asyncEngineThreads();
		Stampede engine = engine(createBackend(), EngineContract.SETTINGS);
		String prefix = uniqueKey();
		int keys = 64;
		CompletableFuture<Void> release = new CompletableFuture<>();
		List<CompletableFuture<Object>> answers = new ArrayList<>();
		for (int i = 0; i < keys; i++) {
			String value = "value-" + i;
			answers.add(engine.getAsync(CACHE, prefix + i, () -> release.thenApply((ignored) -> value)));
		}
		await().atMost(Stampedes.BOUND).until(() -> stats(engine).count(CacheEvent.LEASE_WON) == keys);
		long engineThreads = asyncEngineThreads() - othersThreads;
		assertThat(engineThreads).isLessThanOrEqualTo(Math.max(2, Runtime.getRuntime().availableProcessors()));
		release.complete(null);
		for (int i = 0; i < keys; i++) {
			assertThat(answers.get(i).get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("value-" + i);
		}
		await().atMost(Stampedes.BOUND).until(() -> engine.inspection().inFlightCount() == 0);
		assertThat(stats(engine).leasesHeld()).isZero();
	}

	private static long asyncEngineThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith("stampede-async-"))
			.count();
	}

	@Test
	void everyCallEndsWithExactlyOneOutcomeSoOutcomesAddUpToCalls() throws Exception {
		Stampede loading = engine(createBackend(), EngineContract.SETTINGS);
		Stampede waiting = engine(createBackend(), EngineContract.SETTINGS);
		String key = uniqueKey();
		CountDownLatch loaderRunning = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		List<FutureTask<Object>> loaders = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			loaders.add(start(() -> loading.get(CACHE, key, () -> {
				loaderRunning.countDown();
				finish.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
				return "value";
			})));
		}
		assertThat(loaderRunning.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		List<FutureTask<Object>> waiters = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			waiters.add(start(() -> waiting.get(CACHE, key, () -> "loaded by a waiter")));
		}
		await().atMost(Stampedes.BOUND)
			.until(() -> stats(waiting).count(CacheEvent.LEASE_LOST) + stats(waiting).count(CacheEvent.JOINED) == 8);
		finish.countDown();
		for (FutureTask<Object> call : loaders) {
			assertThat(call.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("value");
		}
		for (FutureTask<Object> call : waiters) {
			assertThat(call.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("value");
		}
		for (int i = 0; i < 5; i++) {
			assertThat(waiting.get(CACHE, key, () -> "loaded again")).isEqualTo("value");
		}
		assertThat(stats(loading).callSnapshot()).containsEntry(Outcome.LOADED, 8L);
		assertThat(stats(waiting).callSnapshot()).containsEntry(Outcome.WAITED, 8L).containsEntry(Outcome.HIT, 5L);
		assertThat(stats(loading).callSnapshot().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(8);
		assertThat(stats(waiting).callSnapshot().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(13);
	}

	@Test
	void unreadableDataIsCountedOncePerCallNotOncePerPoll() throws Exception {
		HoldingBackend held = holding();
		Stampede engine = engine(held, EngineContract.SETTINGS);
		Stampede writer = engine(createBackend(), EngineContract.SETTINGS);
		String key = uniqueKey();
		// An Integer where this call site expects a String: data it cannot use.
		writer.get(CACHE, key, () -> 42);
		CacheSettings.Overrides none = CacheSettings.Overrides.NONE;
		var strings = engine.callSite(CACHE, none, "strings", String.class);
		AtomicInteger refusals = new AtomicInteger();
		held.refuseLeasesWhile(() -> refusals.incrementAndGet() <= 5);
		assertThat(engine.get(strings, key, () -> "a string", (value) -> true)).isEqualTo("a string");
		assertThat(refusals.get()).isGreaterThan(5);
		assertThat(stats(engine).count(CacheEvent.UNREADABLE)).isEqualTo(1);
	}

	/**
	 * Asserts that a generation read that started before this engine evicted every
	 * entry cannot bring the old generation back, for backends whose generation is
	 * read again once a second.
	 */
	protected void assertEvictingAllIsNotUndoneByAGenerationReadUnderWay() throws Exception {
		HoldingBackend held = holding();
		Stampede engine = engine(held, EngineContract.SETTINGS);
		String key = uniqueKey();
		assertThat(engine.get(CACHE, key, () -> "old")).isEqualTo("old");
		Hold hold = held.holdAfter(Operation.GENERATION, CACHE);
		// The generation is read again a second after it was last read.
		Thread.sleep(1_100);
		FutureTask<Object> reader = start(() -> engine.get(CACHE, key, () -> "loaded by the reader"));
		hold.awaitReached();
		engine.evictAll(CACHE);
		hold.release();
		reader.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
		// The reader may have loaded a value after the eviction; what must not come back is the old one.
		assertThat(engine.get(CACHE, key, () -> "new")).isNotEqualTo("old");
	}

	private HoldingBackend holding() {
		return new HoldingBackend(createBackend());
	}


	private static dev.stampede.CacheStats stats(Stampede engine) {
		return engine.inspection().stats(CACHE);
	}



}
