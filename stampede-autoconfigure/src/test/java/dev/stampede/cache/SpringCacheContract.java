package dev.stampede.cache;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.CacheSettings;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.test.HoldingBackend;
import dev.stampede.test.Stampedes;
import dev.stampede.test.Stampedes.CallResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;
import org.springframework.cache.Cache.ValueRetrievalException;
import org.springframework.cache.interceptor.SimpleKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What a {@link StampedeCache} does for Spring's cache abstraction, on every backend:
 * Spring's contract of a {@link Cache} (reads, puts, evictions, {@code null},
 * {@code ValueWrapper}, type checks, {@code retrieve}), loads under the lease across
 * threads and engines, and puts that never undo an eviction.
 */
abstract class SpringCacheContract {

	static final String CACHE = "spring-contract";

	static final CacheSettings SETTINGS = CacheSettings.builder()
		.ttl(Duration.ofMinutes(1))
		.leaseTtl(Duration.ofSeconds(2))
		.maxWait(Duration.ofSeconds(10))
		.backoffMax(Duration.ofMillis(50))
		.build();

	private final String keyPrefix = "spring-contract-" + UUID.randomUUID() + ":";

	private final List<AutoCloseable> resources = new ArrayList<>();

	/** An independent backend instance (its own connection) on the shared store. */
	abstract StampedeBackend createBackend();

	/** Closes {@code resource} after the test, after what was opened later. */
	void closeAfterTest(AutoCloseable resource) {
		this.resources.add(resource);
	}

	@AfterEach
	void closeEnginesAndBackends() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
		this.resources.clear();
	}

	@Test
	void aCacheHasItsNameAndTheEngineAsItsNativeCache() {
		Stampede engine = engine(SETTINGS);
		StampedeCache cache = new StampedeCache(CACHE, engine);
		assertThat(cache.getName()).isEqualTo(CACHE);
		assertThat(cache.getNativeCache()).isSameAs(engine);
	}

	@Test
	void aMissingKeyReadsAsAbsentInEveryForm() throws Exception {
		Cache cache = cache();
		assertThat(cache.get("missing")).isNull();
		assertThat(cache.get("missing", String.class)).isNull();
		assertThat(cache.get("missing", (Class<Object>) null)).isNull();
		assertThat(cache.retrieve("missing").get(5, TimeUnit.SECONDS)).isNull();
	}

	@Test
	void aPutValueIsReadInEveryForm() throws Exception {
		Cache cache = cache();
		cache.put("shoes", "red shoes");
		assertThat(cache.get("shoes")).isNotNull().extracting(Cache.ValueWrapper::get).isEqualTo("red shoes");
		assertThat(cache.get("shoes", String.class)).isEqualTo("red shoes");
		assertThat(cache.get("shoes", Object.class)).isEqualTo("red shoes");
		assertThat(cache.get("shoes", (Class<Object>) null)).isEqualTo("red shoes");
		Object retrieved = cache.retrieve("shoes").get(5, TimeUnit.SECONDS);
		assertThat(retrieved).isInstanceOf(Cache.ValueWrapper.class);
		assertThat(((Cache.ValueWrapper) retrieved).get()).isEqualTo("red shoes");
	}

	@Test
	void aPutReplacesTheValueForEveryEngine() {
		Cache first = cache(engine(SETTINGS));
		Cache second = cache(engine(SETTINGS));
		first.put("shoes", "red");
		assertThat(second.get("shoes", String.class)).isEqualTo("red");
		second.put("shoes", "blue");
		assertThat(first.get("shoes", String.class)).isEqualTo("blue");
		assertThat(first.get("shoes", () -> "loaded")).isEqualTo("blue");
	}

	@Test
	void aCachedNullIsAWrapperOfNull() {
		Cache cache = cache();
		cache.put("nothing", null);
		assertThat(cache.get("nothing")).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
		assertThat(cache.get("nothing", String.class)).isNull();
		assertThat(cache.get("nothing", () -> "loaded")).isNull();
	}

	@Test
	void aValueOfAnotherTypeFailsATypedRead() {
		Cache cache = cache();
		cache.put("count", 3);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> cache.get("count", String.class))
			.withMessageContaining(String.class.getName());
		assertThat(cache.get("count", Integer.class)).isEqualTo(3);
	}

	@Test
	void putIfAbsentStoresOnlyIntoAnEmptyKey() {
		Cache cache = cache();
		assertThat(cache.putIfAbsent("shoes", "first")).isNull();
		assertThat(cache.get("shoes", String.class)).isEqualTo("first");
		assertThat(cache.putIfAbsent("shoes", "second")).isNotNull()
			.extracting(Cache.ValueWrapper::get)
			.isEqualTo("first");
		assertThat(cache.get("shoes", String.class)).isEqualTo("first");
	}

	@Test
	void evictRemovesOneKeyAtOnce() {
		Cache cache = cache();
		cache.put("shoes", "red");
		cache.put("hats", "green");
		cache.evict("shoes");
		assertThat(cache.get("shoes")).isNull();
		assertThat(cache.get("hats", String.class)).isEqualTo("green");
		cache.put("shoes", "red");
		assertThat(cache.evictIfPresent("shoes")).isFalse();
		assertThat(cache.get("shoes")).isNull();
	}

	@Test
	void clearRemovesEveryKeyInEveryEngine() {
		Cache first = cache(engine(SETTINGS));
		Cache second = cache(engine(SETTINGS));
		first.put("shoes", "red");
		first.put("hats", "green");
		second.clear();
		assertThat(second.get("shoes")).isNull();
		// Other engines see the new generation within a second, or at once where the backend tells them.
		await().atMost(Duration.ofSeconds(3)).until(() -> first.get("shoes") == null && first.get("hats") == null);
		first.put("hats", "green");
		assertThat(first.invalidate()).isFalse();
		assertThat(first.get("hats")).isNull();
	}

	@Test
	void getWithALoaderLoadsOnMissAndReadsAfterwards() {
		Cache cache = cache();
		AtomicInteger loads = new AtomicInteger();
		assertThat(cache.get("shoes", () -> "shoes-" + loads.incrementAndGet())).isEqualTo("shoes-1");
		assertThat(cache.get("shoes", () -> "shoes-" + loads.incrementAndGet())).isEqualTo("shoes-1");
		assertThat(cache.get("shoes", String.class)).isEqualTo("shoes-1");
		String nothing = cache.get("nothing", () -> {
			loads.incrementAndGet();
			return null;
		});
		assertThat(nothing).isNull();
		assertThat(cache.get("nothing")).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
		assertThat(loads).hasValue(2);
	}

	@Test
	void aLoaderExceptionIsAValueRetrievalExceptionAndIsNotCached() {
		Cache cache = cache();
		IOException failure = new IOException("database down");
		assertThatExceptionOfType(ValueRetrievalException.class).isThrownBy(() -> cache.get("shoes", () -> {
			throw failure;
		})).satisfies((ex) -> {
			assertThat(ex.getCause()).isSameAs(failure);
			assertThat(ex.getKey()).isEqualTo("shoes");
		});
		assertThat(cache.get("shoes")).isNull();
		assertThat(cache.get("shoes", () -> "recovered")).isEqualTo("recovered");
	}

	@Test
	void aLoaderExceptionReachesEveryJoinedCallerAsAValueRetrievalException() {
		Cache cache = cache();
		AtomicInteger loads = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(16, () -> cache.get("shoes", () -> {
			// long enough for every released caller to join this load
			Thread.sleep(300);
			throw new IOException("database down #" + loads.incrementAndGet());
		}));
		assertThat(loads).hasValue(1);
		assertThat(outcomes).extracting(CallResult::failure)
			.allSatisfy((failure) -> assertThat(failure).isInstanceOf(ValueRetrievalException.class)
				.cause()
				.isInstanceOf(IOException.class)
				.hasMessage("database down #1"));
	}

	@RepeatedTest(5)
	void sixtyFourThreadsOnAColdKeyMakeOneLoad() {
		Cache cache = cache();
		AtomicInteger loads = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(64, () -> cache.get(new SimpleKey("shoes", 42), () -> {
			Thread.sleep(50);
			return "value-" + loads.incrementAndGet();
		}));
		assertThat(loads).hasValue(1);
		assertThat(outcomes).extracting(CallResult::value).containsOnly("value-1");
	}

	@RepeatedTest(3)
	void fourEnginesOfSixteenThreadsMakeOneLoad() {
		List<Cache> caches = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			caches.add(cache(engine(SETTINGS)));
		}
		AtomicInteger loads = new AtomicInteger();
		AtomicInteger thread = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(4 * 16,
				() -> caches.get(thread.getAndIncrement() % caches.size()).get("shoes", () -> {
					Thread.sleep(100);
					return "value-" + loads.incrementAndGet();
				}));
		assertThat(loads).hasValue(1);
		assertThat(outcomes).extracting(CallResult::value).containsOnly("value-1");
	}

	@Test
	void retrieveWithALoaderMakesOneLoadForConcurrentCallers() {
		Cache cache = cache();
		AtomicInteger loads = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(16, () -> cache.retrieve("shoes", () -> CompletableFuture
			.supplyAsync(() -> "value-" + loads.incrementAndGet(), CompletableFuture.delayedExecutor(200,
					TimeUnit.MILLISECONDS)))
			.get(10, TimeUnit.SECONDS));
		assertThat(loads).hasValue(1);
		assertThat(outcomes).extracting(CallResult::value).containsOnly("value-1");
		assertThat(cache.get("shoes", String.class)).isEqualTo("value-1");
	}

	@Test
	void aFailedFutureOfTheLoaderFailsRetrieveAndIsNotCached() {
		Cache cache = cache();
		CompletableFuture<String> retrieved = cache.retrieve("shoes",
				() -> CompletableFuture.failedFuture(new IOException("database down")));
		assertThat(retrieved).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingRootCause()
			.isInstanceOf(IOException.class);
		assertThat(cache.get("shoes")).isNull();
	}

	@Test
	void withCacheNullsOffNullIsReturnedUncachedAndRefusedByPut() {
		StampedeCache cache = new StampedeCache(CACHE, engine(CacheSettings.from(SETTINGS).cacheNulls(false).build()));
		assertThat(cache.isAllowNullValues()).isFalse();
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 2; i++) {
			String nothing = cache.get("nothing", () -> {
				loads.incrementAndGet();
				return null;
			});
			assertThat(nothing).isNull();
		}
		assertThat(loads).hasValue(2);
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> cache.put("nothing", null))
			.withMessageContaining("cache-nulls");
	}

	@Test
	void aCachesSettingsComeFromConfigurationForTheCache() {
		CacheSettings shortLived = CacheSettings.from(SETTINGS).ttl(Duration.ofSeconds(1)).build();
		Stampede engine = engine(createBackend(), new StampedeSettings(SETTINGS,
				Map.of("short", CacheSettings.Overrides.builder().ttl(shortLived.ttl()).build())));
		Cache cache = new StampedeCache("short", engine);
		Cache other = new StampedeCache(CACHE, engine);
		cache.put("shoes", "red");
		other.put("shoes", "red");
		await().atMost(Duration.ofSeconds(4)).until(() -> cache.get("shoes") == null);
		assertThat(other.get("shoes", String.class)).isEqualTo("red");
	}

	@Test
	void aPutThatReadTheKeyBeforeAnEvictionDoesNotWriteOverIt() throws Exception {
		HoldingBackend holding = new HoldingBackend(createBackend());
		Stampede engine = engine(holding, new StampedeSettings(SETTINGS, Map.of()));
		Cache cache = cache(engine);
		cache.put("shoes", "old");
		HoldingBackend.Hold hold = holding.holdAfter(HoldingBackend.Operation.READ, "shoes");
		CompletableFuture<Void> put = CompletableFuture.runAsync(() -> cache.put("shoes", "new"));
		hold.awaitReached();
		cache.evict("shoes");
		hold.release();
		put.get(10, TimeUnit.SECONDS);
		assertThat(cache.get("shoes")).isNull();
	}

	@Test
	void aPutIntoAnEmptyKeyWhoseLeaseIsEvictedDoesNotWrite() throws Exception {
		HoldingBackend holding = new HoldingBackend(createBackend());
		Cache cache = cache(engine(holding, new StampedeSettings(SETTINGS, Map.of())));
		HoldingBackend.Hold hold = holding.holdAfter(HoldingBackend.Operation.TRY_LEASE, "shoes");
		CompletableFuture<Void> put = CompletableFuture.runAsync(() -> cache.put("shoes", "new"));
		hold.awaitReached();
		cache.evict("shoes");
		hold.release();
		put.get(10, TimeUnit.SECONDS);
		assertThat(cache.get("shoes")).isNull();
	}

	@Test
	void aPutThatBeganBeforeTheCacheWasClearedIsNotSeenAfterwards() throws Exception {
		HoldingBackend holding = new HoldingBackend(createBackend());
		Cache cache = cache(engine(holding, new StampedeSettings(SETTINGS, Map.of())));
		cache.put("shoes", "old");
		HoldingBackend.Hold hold = holding.holdAfter(HoldingBackend.Operation.READ, "shoes");
		CompletableFuture<Void> put = CompletableFuture.runAsync(() -> cache.put("shoes", "new"));
		hold.awaitReached();
		cache.clear();
		hold.release();
		put.get(10, TimeUnit.SECONDS);
		assertThat(cache.get("shoes")).isNull();
	}

	@Test
	void aLoadUnderWayWhenAPutBeginsCannotOverwriteIt() throws Exception {
		Cache loading = cache(engine(SETTINGS));
		Cache putting = cache(engine(SETTINGS));
		CountDownLatch loaderStarted = new CountDownLatch(1);
		CountDownLatch putDone = new CountDownLatch(1);
		CompletableFuture<String> load = CompletableFuture.supplyAsync(() -> loading.get("shoes", () -> {
			loaderStarted.countDown();
			putDone.await(10, TimeUnit.SECONDS);
			return "read before the put";
		}));
		assertThat(loaderStarted.await(10, TimeUnit.SECONDS)).isTrue();
		putting.put("shoes", "put");
		putDone.countDown();
		assertThat(load.get(10, TimeUnit.SECONDS)).isEqualTo("read before the put");
		assertThat(putting.get("shoes", String.class)).isEqualTo("put");
		assertThat(loading.get("shoes", () -> "loaded again")).isEqualTo("put");
	}

	@Test
	void aPutIsSeenAtOnceThroughTheLocalTier() {
		Stampede engine = engine(CacheSettings.from(SETTINGS).localTtl(Duration.ofMinutes(1)).build());
		Cache cache = cache(engine);
		assertThat(cache.get("shoes", () -> "loaded")).isEqualTo("loaded");
		assertThat(cache.get("shoes", () -> "loaded again")).isEqualTo("loaded");
		cache.put("shoes", "put");
		assertThat(cache.get("shoes", () -> "loaded again")).isEqualTo("put");
		assertThat(cache.get("shoes", String.class)).isEqualTo("put");
	}

	Cache cache() {
		return cache(engine(SETTINGS));
	}

	Cache cache(Stampede engine) {
		return new StampedeCache(CACHE, engine);
	}

	Stampede engine(CacheSettings defaults) {
		StampedeBackend backend = createBackend();
		return engine(backend, new StampedeSettings(defaults, Map.of()));
	}

	Stampede engine(StampedeBackend backend, StampedeSettings settings) {
		closeAfterTest(backend);
		Stampede engine = new Stampede(backend, settings, this.keyPrefix, Clock.systemUTC());
		closeAfterTest(engine);
		return engine;
	}

}
