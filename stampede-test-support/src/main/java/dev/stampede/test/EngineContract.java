package dev.stampede.test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import dev.stampede.Backoff;
import dev.stampede.CacheSettings;
import dev.stampede.CacheStats;
import dev.stampede.FailurePolicy;
import dev.stampede.Loader;
import dev.stampede.RefreshMode;
import dev.stampede.Stampede;
import dev.stampede.StampedeTimeoutException;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.test.Stampedes.CallResult;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What the engine must guarantee on every backend: one loader call per cold key
 * across threads and engine instances, takeover of dead leases, bounded waits,
 * exceptions that are never cached. A backend passes by extending this class.
 */
public abstract class EngineContract extends EngineSuite {

	private static final String CACHE = "contract";

	/** Settings of most tests: long values, 2 s leases, 10 s waits, quick polling. */
	protected static final CacheSettings SETTINGS = CacheSettings.builder()
		.ttl(Duration.ofMinutes(1))
		.leaseTtl(Duration.ofSeconds(2))
		.maxWait(Duration.ofSeconds(10))
		.backoffMax(Duration.ofMillis(50))
		.build();


	@RepeatedTest(20)
	void sixtyFourThreadsOnAColdKeyMakeOneLoaderCall() {
		Stampede engine = engine(SETTINGS);
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(64, () -> engine.get(CACHE, key, () -> {
			Thread.sleep(50);
			return "value-" + loads.incrementAndGet();
		}));
		assertThat(loads).hasValue(1);
		assertThat(outcomes).extracting(CallResult::failure).containsOnlyNulls();
		assertThat(outcomes).extracting(CallResult::value).containsOnly("value-1");
		assertThat(engine.inspection().inFlightCount()).isZero();
	}

	@RepeatedTest(5)
	void eightEnginesOfSixteenThreadsMakeOneLoaderCall() {
		List<Stampede> engines = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			engines.add(engine(SETTINGS));
		}
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		AtomicInteger thread = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(8 * 16, () -> {
			Stampede engine = engines.get(thread.getAndIncrement() % engines.size());
			return engine.get(CACHE, key, () -> {
				Thread.sleep(100);
				return "value-" + loads.incrementAndGet();
			});
		});
		assertThat(loads).hasValue(1);
		assertThat(outcomes).extracting(CallResult::value).containsOnly("value-1");
	}

	@Test
	void aDeadHoldersLeaseIsTakenOverAfterLeaseTtlWithinMaxWait() {
		Stampede engine = engine(SETTINGS);
		String key = uniqueKey();
		StampedeBackend backend = engine.inspection().backend();
		assertThat(backend.tryLease(engine.inspection().backendKey(CACHE, key), Slot.EMPTY, "holder-that-died", SETTINGS.leaseTtl())).isTrue();
		AtomicInteger loads = new AtomicInteger();
		long start = System.nanoTime();
		List<CallResult> outcomes = Stampedes.run(16, () -> engine.get(CACHE, key, () -> "value-" + loads.incrementAndGet()));
		Duration waited = Duration.ofNanos(System.nanoTime() - start);
		assertThat(loads).hasValue(1);
		assertThat(outcomes).extracting(CallResult::value).containsOnly("value-1");
		assertThat(waited).isLessThan(SETTINGS.maxWait());
	}

	@Test
	void aLoaderExceptionReachesEveryJoinedCallerAndIsNotCached() {
		Stampede engine = engine(SETTINGS);
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(16, () -> engine.get(CACHE, key, () -> {
			// long enough for every released caller to join this flight
			Thread.sleep(300);
			throw new IOException("database down #" + loads.incrementAndGet());
		}));
		assertThat(outcomes).extracting(CallResult::failure)
			.allSatisfy((failure) -> assertThat(failure).isInstanceOf(IOException.class)
				.hasMessage("database down #1"));
		assertThat(engine.inspection().backend().read(engine.inspection().backendKey(CACHE, key))).isEqualTo(Slot.EMPTY);
		assertThat(engine.inspection().inFlightCount()).isZero();
		assertThat(engine.get(CACHE, key, () -> "recovered")).isEqualTo("recovered");
	}

	@Test
	void aWaitThatRunsOutFailsWhenOnWaitTimeoutIsFail() {
		CacheSettings settings = withWait(Duration.ofMillis(300), FailurePolicy.FAIL);
		Stampede engine = engine(settings);
		String key = uniqueKey();
		engine.inspection().backend().tryLease(engine.inspection().backendKey(CACHE, key), Slot.EMPTY, "slow-holder", Duration.ofSeconds(30));
		AtomicInteger loads = new AtomicInteger();
		assertThatExceptionOfType(StampedeTimeoutException.class)
			.isThrownBy(() -> engine.get(CACHE, key, loads::incrementAndGet))
			.withMessageContaining("cache '" + CACHE + "' key '" + key + "'")
			.satisfies((ex) -> assertThat(ex.getWaited()).isGreaterThanOrEqualTo(Duration.ofMillis(300)));
		assertThat(loads).hasValue(0);
		assertThat(engine.inspection().inFlightCount()).isZero();
	}

	@Test
	void aWaitThatRunsOutCallsTheLoaderDirectlyWhenOnWaitTimeoutIsCallThrough() {
		CacheSettings settings = withWait(Duration.ofMillis(300), FailurePolicy.CALL_THROUGH);
		Stampede engine = engine(settings);
		String key = uniqueKey();
		engine.inspection().backend().tryLease(engine.inspection().backendKey(CACHE, key), Slot.EMPTY, "slow-holder", Duration.ofSeconds(30));
		assertThat(engine.get(CACHE, key, () -> "direct")).isEqualTo("direct");
		assertThat(engine.inspection().backend().read(engine.inspection().backendKey(CACHE, key))).isEqualTo(new Slot.Leased("slow-holder"));
		assertThat(engine.inspection().inFlightCount()).isZero();
	}

	@Test
	void longSpacedAndNonAsciiKeysAreStoredAndReadBack() {
		Stampede engine = engine(SETTINGS);
		String unique = UUID.randomUUID().toString();
		List<String> keys = List.of("x".repeat(300) + unique, "a key with spaces " + unique,
				"ключ-🔑-" + unique, "tab\tand\nnewline " + unique, "x".repeat(300) + unique + "!");
		AtomicInteger loads = new AtomicInteger();
		for (String key : keys) {
			assertThat(engine.get(CACHE, key, () -> key.hashCode() + ":" + loads.incrementAndGet()))
				.isEqualTo(key.hashCode() + ":" + loads.get());
		}
		for (String key : keys) {
			assertThat(engine.get(CACHE, key, () -> "loaded again")).startsWith(key.hashCode() + ":");
		}
		assertThat(loads).hasValue(keys.size());
	}

	@Test
	void nullIsCachedWhenCacheNullsIsOn() {
		Stampede engine = engine(SETTINGS);
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			assertThat(engine.<String, RuntimeException>get(CACHE, key, () -> {
				loads.incrementAndGet();
				return null;
			})).isNull();
		}
		assertThat(loads).hasValue(1);
	}

	@Test
	void nullIsNotCachedWhenCacheNullsIsOff() {
		CacheSettings settings = CacheSettings.from(SETTINGS).cacheNulls(false).build();
		Stampede engine = engine(settings);
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			engine.<String, RuntimeException>get(CACHE, key, () -> {
				loads.incrementAndGet();
				return null;
			});
		}
		assertThat(loads).hasValue(3);
		assertThat(engine.inspection().backend().read(engine.inspection().backendKey(CACHE, key))).isEqualTo(Slot.EMPTY);
	}

	@Test
	void aValueIsLoadedAgainOnceItsTtlHasPassed() {
		CacheSettings settings = CacheSettings.from(SETTINGS).ttl(Duration.ofMillis(500)).build();
		Stampede engine = engine(settings);
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		assertThat(engine.get(CACHE, key, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
		assertThat(engine.get(CACHE, key, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> engine.get(CACHE, key, () -> "v" + loads.incrementAndGet()), "v2"::equals);
		assertThat(loads).hasValue(2);
	}

	@Test
	void evictionMakesTheNextCallLoadAgain() {
		Stampede engine = engine(SETTINGS);
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		engine.get(CACHE, key, () -> "v" + loads.incrementAndGet());
		engine.evict(CACHE, key);
		assertThat(engine.get(CACHE, key, () -> "v" + loads.incrementAndGet())).isEqualTo("v2");
	}

	@Test
	void aValueComputedBeforeAnEvictionIsNotWritten() throws Exception {
		Stampede engine = engine(SETTINGS);
		String key = uniqueKey();
		assertThat(whileLoading(engine, key, "computed from data the eviction replaced",
				() -> engine.evict(CACHE, key)))
			.isEqualTo("computed from data the eviction replaced");
		assertThat(engine.inspection().backend().read(engine.inspection().backendKey(CACHE, key))).isEqualTo(Slot.EMPTY);
		assertThat(engine.get(CACHE, key, () -> "fresh")).isEqualTo("fresh");
	}

	@Test
	void aValueRejectedByStoreIfIsReturnedButNotCached() {
		Stampede engine = engine(SETTINGS);
		String key = uniqueKey();
		var site = engine.callSite(CACHE, CacheSettings.Overrides.NONE, "test");
		assertThat(engine.get(site, key, () -> "not for caching", (value) -> false)).isEqualTo("not for caching");
		assertThat(engine.inspection().backend().read(engine.inspection().backendKey(CACHE, key))).isEqualTo(Slot.EMPTY);
	}

	@RepeatedTest(5)
	void asynchronousCallersOnAColdKeyMakeOneLoaderCall() {
		Stampede engine = engine(SETTINGS);
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(32, () -> engine
			.getAsync(CACHE, key, () -> CompletableFuture.supplyAsync(() -> "value-" + loads.incrementAndGet(),
					CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)))
			.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS));
		assertThat(loads).hasValue(1);
		assertThat(outcomes).extracting(CallResult::value).containsOnly("value-1");
		await().atMost(Duration.ofSeconds(5)).until(() -> engine.inspection().inFlightCount() == 0);
	}

	@Test
	void differentKeysDoNotShareAValue() {
		Stampede engine = engine(SETTINGS);
		String prefix = uniqueKey();
		List<CallResult> outcomes = Stampedes.run(16, () -> {
			String key = prefix + ":" + Thread.currentThread().getName();
			return engine.get(CACHE, key, () -> key);
		});
		Set<Object> values = outcomes.stream().map(CallResult::value).collect(Collectors.toSet());
		assertThat(values).hasSize(16);
	}

	@Test
	void theLocalTierServesRepeatedReadsWithoutTheLoader() {
		Stampede engine = engine(withLocalTier(Duration.ofMinutes(1)));
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 50; i++) {
			assertThat(engine.get(CACHE, key, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
		}
		assertThat(loads).hasValue(1);
	}

	@Test
	void anEvictionClearsTheLocalTierOfTheEvictingEngineAtOnce() {
		Stampede engine = engine(withLocalTier(Duration.ofMinutes(1)));
		String key = uniqueKey();
		assertThat(engine.get(CACHE, key, () -> "old")).isEqualTo("old");
		engine.evict(CACHE, key);
		assertThat(engine.get(CACHE, key, () -> "new")).isEqualTo("new");
	}

	@Test
	void aCallerWaitingForAnotherEnginesLeaseIsCountedUntilItHasTheValue() throws Exception {
		Stampede winnerEngine = engine(SETTINGS);
		Stampede waiterEngine = engine(SETTINGS);
		String key = uniqueKey();
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch finishLoad = new CountDownLatch(1);
		FutureTask<Object> winner = start(() -> winnerEngine.get(CACHE, key, () -> {
			loading.countDown();
			finishLoad.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
			return "won";
		}));
		assertThat(loading.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		FutureTask<Object> waiter = start(() -> waiterEngine.get(CACHE, key, () -> "waiter loaded instead"));
		await().atMost(Stampedes.BOUND).until(() -> waiterEngine.inspection().waitingCount() == 1);
		finishLoad.countDown();
		assertThat(waiter.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("won");
		assertThat(winner.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("won");
		assertThat(waiterEngine.inspection().waitingCount()).isZero();
		assertThat(winnerEngine.inspection().waitingCount()).isZero();
	}

	/**
	 * Asserts that a caller waiting in one engine is woken when another engine writes
	 * the value, rather than sleeping out its backoff: with a 5 s pause between reads,
	 * only a wake-up returns it well before.
	 */
	protected void assertWaitersAreWokenByTheWinner() throws Exception {
		Backoff slowPolling = new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(5), 1.0, 0);
		CacheSettings settings = CacheSettings.from(SETTINGS)
			.leaseTtl(Duration.ofSeconds(10))
			.maxWait(Duration.ofSeconds(20))
			.backoff(slowPolling)
			.build();
		Stampede winnerEngine = engine(settings);
		Stampede waiterEngine = engine(settings);
		String key = uniqueKey();
		CountDownLatch loading = new CountDownLatch(1);
		FutureTask<Object> winner = new FutureTask<>(() -> winnerEngine.get(CACHE, key, () -> {
			loading.countDown();
			Thread.sleep(300);
			return "won";
		}));
		new Thread(winner, "winner").start();
		assertThat(loading.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		long start = System.nanoTime();
		assertThat(waiterEngine.get(CACHE, key, () -> "waiter loaded instead")).isEqualTo("won");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		assertThat(winner.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("won");
	}

	@Test
	void aStaleValueIsServedToEveryoneButTheOneCallerThatRefreshesIt() throws Exception {
		Stampede engine = engine(stale(Duration.ofMillis(300), RefreshMode.INLINE, 0));
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		List<CallResult> outcomes = stampedeOnAStaleValue(List.of(engine), key, 16, loads);
		// One refresh; the refresher gets v2, the callers it did not keep waiting get v1
		// (a caller the scheduler held back past the refresh may read v2 as well).
		assertThat(loads).hasValue(2);
		assertThat(outcomes).extracting(CallResult::value).containsOnly("v1", "v2").contains("v1", "v2");
		assertThat(engine.get(CACHE, key, () -> "not loaded")).isEqualTo("v2");
		assertThat(engine.inspection().stats(CACHE).count(dev.stampede.CacheEvent.STALE)).isPositive();
	}

	@Test
	void engineInstancesRefreshAStaleValueOnceBetweenThem() throws Exception {
		CacheSettings settings = stale(Duration.ofMillis(300), RefreshMode.INLINE, 0);
		List<Stampede> engines = List.of(engine(settings), engine(settings), engine(settings), engine(settings));
		AtomicInteger loads = new AtomicInteger();
		List<CallResult> outcomes = stampedeOnAStaleValue(engines, uniqueKey(), 32, loads);
		assertThat(loads).hasValue(2);
		assertThat(outcomes).extracting(CallResult::value).containsOnly("v1", "v2").contains("v1", "v2");
	}

	@Test
	void withAsynchronousRefreshEveryCallerGetsTheStaleValueAndTheRefreshLandsLater() throws Exception {
		Stampede engine = engine(stale(Duration.ofMillis(300), RefreshMode.ASYNC, 0));
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		List<CallResult> outcomes = stampedeOnAStaleValue(List.of(engine), key, 16, loads);
		assertThat(outcomes).extracting(CallResult::value).containsOnly("v1");
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> engine.get(CACHE, key, () -> "not loaded"), "v2"::equals);
		assertThat(loads).hasValue(2);
	}

	@Test
	void aFailedRefreshKeepsServingTheStaleValueAndIsNotRetriedAtOnce() throws Exception {
		Stampede engine = engine(stale(Duration.ofMillis(300), RefreshMode.INLINE, 0));
		String key = uniqueKey();
		AtomicInteger attempts = new AtomicInteger();
		engine.get(CACHE, key, () -> "v1");
		Thread.sleep(400);
		for (int i = 0; i < 20; i++) {
			Object served = engine.<String, RuntimeException>get(CACHE, key, () -> {
				attempts.incrementAndGet();
				throw new IllegalStateException("database down");
			});
			assertThat(served).isEqualTo("v1");
		}
		assertThat(attempts).hasValue(1);
		assertThat(engine.inspection().stats(CACHE).count(dev.stampede.CacheEvent.REFRESH_ERROR)).isEqualTo(1);
	}

	@Test
	void aValuePastItsStaleTtlIsLoadedLikeAMiss() throws Exception {
		CacheSettings settings = CacheSettings.from(SETTINGS)
			.ttl(Duration.ofMillis(200))
			.staleTtl(Duration.ofMillis(300))
			.build();
		Stampede engine = engine(settings);
		String key = uniqueKey();
		engine.get(CACHE, key, () -> "old");
		Thread.sleep(700);
		assertThat(engine.get(CACHE, key, () -> "new")).isEqualTo("new");
	}

	@Test
	void aRefreshComputedBeforeAnEvictionIsNotWritten() throws Exception {
		Stampede engine = engine(stale(Duration.ofMillis(300), RefreshMode.INLINE, 0));
		String key = uniqueKey();
		engine.get(CACHE, key, () -> "stale");
		Thread.sleep(400);
		whileLoading(engine, key, "refreshed from data the eviction replaced", () -> engine.evict(CACHE, key));
		assertThat(engine.inspection().backend().read(engine.inspection().backendKey(CACHE, key))).isEqualTo(Slot.EMPTY);
	}

	@Test
	void earlyRefreshKeepsAHotKeyFromEverBeingMissedOrStale() throws Exception {
		CacheSettings settings = CacheSettings.from(SETTINGS).ttl(Duration.ofMillis(500)).earlyRefreshBeta(5.0).build();
		Stampede engine = engine(settings);
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		engine.get(CACHE, key, () -> {
			Thread.sleep(50);
			return "v" + loads.incrementAndGet();
		});
		CacheStats stats = engine.inspection().stats(CACHE);
		long missesBefore = stats.count(dev.stampede.CacheEvent.MISS);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		while (System.nanoTime() < deadline) {
			engine.get(CACHE, key, () -> {
				Thread.sleep(50);
				return "v" + loads.incrementAndGet();
			});
			Thread.sleep(2);
		}
		assertThat(stats.count(dev.stampede.CacheEvent.MISS) - missesBefore).isZero();
		assertThat(stats.count(dev.stampede.CacheEvent.REFRESH)).isGreaterThanOrEqualTo(3);
	}

	@Test
	void evictingAllEntriesMakesEveryKeyLoadAgainInEveryEngine() throws Exception {
		Stampede evicting = engine(SETTINGS);
		Stampede other = engine(SETTINGS);
		String first = uniqueKey();
		String second = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		evicting.get(CACHE, first, () -> "a" + loads.incrementAndGet());
		evicting.get(CACHE, second, () -> "b" + loads.incrementAndGet());
		assertThat(other.get(CACHE, first, () -> "not loaded")).isEqualTo("a1");
		evicting.evictAll(CACHE);
		assertThat(evicting.get(CACHE, first, () -> "a-new")).isEqualTo("a-new");
		assertThat(evicting.get(CACHE, second, () -> "b-new")).isEqualTo("b-new");
		await().atMost(Duration.ofSeconds(3))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> other.get(CACHE, first, () -> "loaded by other"), "a-new"::equals);
	}

	@Test
	void aHotKeyUnderLoadWithStaleServingNeverMakesACallerWait() throws Exception {
		CacheSettings settings = stale(Duration.ofSeconds(1), RefreshMode.ASYNC, 0);
		List<Stampede> engines = List.of(engine(settings), engine(settings), engine(settings), engine(settings));
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		Loader<String, InterruptedException> slowLoader = () -> {
			Thread.sleep(200);
			return "v" + loads.incrementAndGet();
		};
		for (Stampede engine : engines) {
			engine.get(CACHE, key, slowLoader);
		}
		Map<Stampede, CacheStats> stats = new java.util.IdentityHashMap<>();
		Map<Stampede, Long> waitsBefore = new java.util.IdentityHashMap<>();
		for (Stampede engine : engines) {
			stats.put(engine, engine.inspection().stats(CACHE));
			waitsBefore.put(engine, waits(engine.inspection().stats(CACHE)));
		}
		int loadsBefore = loads.get();
		long seconds = 5;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		AtomicInteger thread = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(32, () -> {
			Stampede engine = engines.get(thread.getAndIncrement() % engines.size());
			int calls = 0;
			while (System.nanoTime() < deadline) {
				engine.get(CACHE, key, slowLoader);
				calls++;
				Thread.sleep(1);
			}
			return calls;
		});
		assertThat(outcomes).extracting(CallResult::failure).containsOnlyNulls();
		for (Stampede engine : engines) {
			assertThat(waits(stats.get(engine)) - waitsBefore.get(engine)).as("callers that waited for a load")
				.isZero();
		}
		// a refresh starts once a value is a second old and takes 200 ms
		assertThat(loads.get() - loadsBefore).isBetween(2, (int) seconds + 1);
	}

	@Test
	void aLoaderSlowerThanLeaseTtlLosesItsLeaseAndItsLateWriteIsDropped() throws Exception {
		Stampede slowEngine = engine(SETTINGS);
		Stampede otherEngine = engine(SETTINGS);
		String key = uniqueKey();
		CountDownLatch loading = new CountDownLatch(1);
		AtomicInteger loads = new AtomicInteger();
		FutureTask<Object> slow = new FutureTask<>(() -> slowEngine.get(CACHE, key, () -> {
			loads.incrementAndGet();
			loading.countDown();
			Thread.sleep(SETTINGS.leaseTtl().toMillis() + 1500);
			return "slow";
		}));
		new Thread(slow, "slow-loader").start();
		assertThat(loading.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(otherEngine.get(CACHE, key, () -> {
			loads.incrementAndGet();
			return "after the lease expired";
		})).isEqualTo("after the lease expired");
		assertThat(slow.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("slow");
		assertThat(loads).as("the slow load and at most one more").hasValue(2);
		assertThat(otherEngine.get(CACHE, key, () -> "loaded again")).isEqualTo("after the lease expired");
	}

	@Test
	void aStoredValueOfAnotherTypeIsAMissNeverAClassCastException() {
		Stampede engine = engine(SETTINGS);
		String key = uniqueKey();
		engine.get(CACHE, key, () -> "a string written by another version");
		var integers = engine.callSite(CACHE, CacheSettings.Overrides.NONE, "integers", Integer.class);
		Integer value = engine.get(integers, key, () -> 42, (loaded) -> true);
		assertThat(value).isEqualTo(42);
		assertThat(engine.inspection().stats(CACHE).count(dev.stampede.CacheEvent.UNREADABLE)).isEqualTo(1);
		assertThat(engine.get(integers, key, () -> -1, (loaded) -> true)).isEqualTo(42);
	}

	/**
	 * Stores {@code v1} under {@code key}, waits until it is stale (settings of
	 * {@link #stale} with a 300 ms ttl), then runs {@code threads} callers across
	 * {@code engines} with a 200 ms loader that returns {@code v<n>} for its n-th load.
	 */
	private static List<CallResult> stampedeOnAStaleValue(List<Stampede> engines, String key, int threads,
			AtomicInteger loads) throws InterruptedException {
		engines.get(0).get(CACHE, key, () -> "v" + loads.incrementAndGet());
		Thread.sleep(400);
		AtomicInteger thread = new AtomicInteger();
		return Stampedes.run(threads, () -> engines.get(thread.getAndIncrement() % engines.size()).get(CACHE, key, () -> {
			Thread.sleep(200);
			return "v" + loads.incrementAndGet();
		}));
	}

	/**
	 * Calls {@code engine} for {@code key} on a thread of its own, with a loader that
	 * holds on until {@code duringLoad} has run, and returns what the call returned.
	 */
	private static Object whileLoading(Stampede engine, String key, String loaded, Runnable duringLoad)
			throws Exception {
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(1);
		FutureTask<Object> call = new FutureTask<>(() -> engine.get(CACHE, key, () -> {
			loading.countDown();
			done.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
			return loaded;
		}));
		new Thread(call, "loader").start();
		assertThat(loading.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		duringLoad.run();
		done.countDown();
		return call.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
	}

	private static long waits(CacheStats stats) {
		return stats.count(dev.stampede.CacheEvent.MISS) + stats.count(dev.stampede.CacheEvent.LEASE_LOST)
				+ stats.count(dev.stampede.CacheEvent.LEASE_WON);
	}

	/** Settings of most tests, with values fresh for {@code ttl} and then served stale for a minute. */
	protected static CacheSettings stale(Duration ttl, RefreshMode refresh, double earlyRefreshBeta) {
		return CacheSettings.from(SETTINGS)
			.ttl(ttl)
			.staleTtl(Duration.ofMinutes(1))
			.refresh(refresh)
			.earlyRefreshBeta(earlyRefreshBeta)
			.build();
	}

	/** Settings of most tests, with a local tier that keeps values for {@code localTtl}. */
	protected static CacheSettings withLocalTier(Duration localTtl) {
		return CacheSettings.from(SETTINGS).localTtl(localTtl).build();
	}

	/** Creates an engine on a new backend instance, closed after the test. */
	protected Stampede engine(CacheSettings settings) {
		return engine(createBackend(), settings);
	}


	private static CacheSettings withWait(Duration maxWait, FailurePolicy onWaitTimeout) {
		return CacheSettings.from(SETTINGS).maxWait(maxWait).onWaitTimeout(onWaitTimeout).build();
	}

}
