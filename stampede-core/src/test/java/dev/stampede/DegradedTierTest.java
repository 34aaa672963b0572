package dev.stampede;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * While the backend fails, values loaded through {@code call-through} are kept in this
 * JVM for their {@code ttl}, so that the database sees one load per key per JVM per
 * {@code ttl}, not one per call.
 */
class DegradedTierTest {

	private static final Duration TTL = Duration.ofSeconds(10);

	private final SteppedClock clock = new SteppedClock();

	private final AtomicBoolean down = new AtomicBoolean();

	private final LocalBackend store = new LocalBackend(1000);

	private final StampedeBackend backend = failingWhileDown(this.store, this.down);

	private final List<Stampede> engines = new ArrayList<>();

	private final ExecutorService pool = Executors.newFixedThreadPool(16);

	@AfterEach
	void close() {
		this.pool.shutdownNow();
		this.engines.forEach(Stampede::close);
	}

	@RepeatedTest(3)
	void whileTheBackendFailsEachKeyLoadsOncePerTtlAcrossSixteenThreads() throws Exception {
		Stampede engine = engine(settings(FailurePolicy.CALL_THROUGH, Duration.ZERO));
		this.down.set(true);
		Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
		for (int period = 0; period < 3; period++) {
			CyclicBarrier start = new CyclicBarrier(16);
			List<Future<?>> callers = new ArrayList<>();
			for (int t = 0; t < 16; t++) {
				int thread = t;
				callers.add(this.pool.submit(() -> {
					start.await();
					for (int call = 0; call < 50; call++) {
						String key = "k" + ((thread + call) % 4);
						String value = engine.get("c", key, () -> {
							loads.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
							return "v-" + key;
						});
						assertThat(value).isEqualTo("v-" + key);
					}
					return null;
				}));
			}
			for (Future<?> caller : callers) {
				caller.get(30, TimeUnit.SECONDS);
			}
			this.clock.advance(TTL);
		}
		// Three ttl periods, four keys: one load of each key per period, whatever the number of calls.
		assertThat(loads).hasSize(4).allSatisfy((key, count) -> assertThat(count).hasValue(3));
		CacheStats stats = engine.inspection().stats("c");
		// Callers that joined a load end as it did: called through. Every other call was answered by the tier.
		assertThat(stats.calls(Outcome.CALL_THROUGH) + stats.calls(Outcome.DEGRADED_HIT)).isEqualTo(3 * 16 * 50);
		assertThat(stats.calls(Outcome.DEGRADED_HIT)).isGreaterThan(3 * 16 * 50 / 2);
		assertThat(engine.inspection().isDegraded()).isTrue();
	}

	@RepeatedTest(3)
	void aStaleValueIsServedToEveryoneWhileOneCallerOfTheJvmReloadsIt() throws Exception {
		Stampede engine = engine(settings(FailurePolicy.CALL_THROUGH, Duration.ofSeconds(30)));
		this.down.set(true);
		assertThat(engine.get("c", "k", () -> "old")).isEqualTo("old");
		this.clock.advance(TTL);
		CountDownLatch reloading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger loads = new AtomicInteger();
		Future<String> refresher = this.pool.submit(() -> engine.get("c", "k", () -> {
			loads.incrementAndGet();
			reloading.countDown();
			release.await();
			return "new";
		}));
		assertThat(reloading.await(10, TimeUnit.SECONDS)).isTrue();
		List<Future<String>> others = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			others.add(this.pool.submit(() -> engine.get("c", "k", () -> {
				loads.incrementAndGet();
				return "another load";
			})));
		}
		for (Future<String> other : others) {
			assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("old");
		}
		release.countDown();
		assertThat(refresher.get(10, TimeUnit.SECONDS)).isEqualTo("new");
		assertThat(loads).hasValue(1);
		assertThat(engine.get("c", "k", () -> "not again")).isEqualTo("new");
		assertThat(engine.inspection().stats("c").calls(Outcome.DEGRADED_HIT)).isEqualTo(9);
	}

	@Test
	void anEvictionInThisJvmAppliesAtOnce() {
		Stampede engine = engine(settings(FailurePolicy.CALL_THROUGH, Duration.ZERO));
		this.down.set(true);
		assertThat(engine.get("c", "k", () -> "before")).isEqualTo("before");
		engine.evict("c", "k");
		assertThat(engine.get("c", "k", () -> "after")).isEqualTo("after");
		engine.evictAll("c");
		assertThat(engine.get("c", "k", () -> "after all")).isEqualTo("after all");
	}

	@RepeatedTest(3)
	void aLoadUnderWayWhenTheKeyIsEvictedIsNotKept() throws Exception {
		Stampede engine = engine(settings(FailurePolicy.CALL_THROUGH, Duration.ZERO));
		this.down.set(true);
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch evicted = new CountDownLatch(1);
		Future<String> load = this.pool.submit(() -> engine.get("c", "k", () -> {
			loading.countDown();
			evicted.await();
			return "read before the eviction";
		}));
		assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
		engine.evict("c", "k");
		evicted.countDown();
		assertThat(load.get(10, TimeUnit.SECONDS)).isEqualTo("read before the eviction");
		assertThat(engine.get("c", "k", () -> "read after")).isEqualTo("read after");
	}

	@Test
	void whenTheBackendAnswersAgainItIsUsedAndTheKeptValuesAreDropped() {
		Stampede engine = engine(settings(FailurePolicy.CALL_THROUGH, Duration.ZERO));
		this.down.set(true);
		assertThat(engine.get("c", "k", () -> "during")).isEqualTo("during");
		assertThat(engine.get("c", "other", () -> "during")).isEqualTo("during");
		assertThat(engine.inspection().degradedValueCount()).isEqualTo(2);
		this.down.set(false);
		// A key the tier does not hold reaches the backend, which answers: the engine is no longer degraded.
		assertThat(engine.get("c", "third", () -> "stored")).isEqualTo("stored");
		assertThat(engine.inspection().isDegraded()).isFalse();
		assertThat(engine.get("c", "k", () -> "after")).isEqualTo("after");
		assertThat(this.store.read(engine.inspection().backendKey("c", "k"), Object.class))
			.isInstanceOf(Slot.Present.class);
		// Once the backend has answered for a second, what was kept is dropped.
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
			engine.get("c", "third", () -> "not loaded");
			return engine.inspection().degradedValueCount() == 0;
		});
	}

	@Test
	void whenEveryCallCouldBeAnsweredFromTheTierOneCallASecondStillAsksTheBackend() {
		Stampede engine = engine(settings(FailurePolicy.CALL_THROUGH, Duration.ZERO));
		this.down.set(true);
		assertThat(engine.get("c", "k", () -> "during")).isEqualTo("during");
		this.down.set(false);
		// The value is fresh for ttl (10 s): only a probe of the backend ends the degraded state before.
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
			engine.get("c", "k", () -> "after");
			return !engine.inspection().isDegraded();
		});
		assertThat(engine.get("c", "k", () -> "not loaded")).isEqualTo("after");
	}

	@RepeatedTest(3)
	void aLoadThatBeganBeforeTheBackendAnsweredAgainIsNotKept() throws Exception {
		Stampede engine = engine(settings(FailurePolicy.CALL_THROUGH, Duration.ZERO));
		this.down.set(true);
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch recovered = new CountDownLatch(1);
		Future<String> load = this.pool.submit(() -> engine.get("c", "k", () -> {
			loading.countDown();
			recovered.await();
			return "from the outage";
		}));
		assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
		this.down.set(false);
		assertThat(engine.get("c", "other", () -> "stored")).isEqualTo("stored");
		recovered.countDown();
		assertThat(load.get(10, TimeUnit.SECONDS)).isEqualTo("from the outage");
		// Failing again: the value loaded across the recovery was not kept, so this loads.
		this.down.set(true);
		assertThat(engine.get("c", "k", () -> "loaded again")).isEqualTo("loaded again");
	}

	@Test
	void withFailNothingIsKeptAndEveryCallFails() {
		Stampede engine = engine(settings(FailurePolicy.FAIL, Duration.ZERO));
		this.down.set(true);
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(StampedeBackendException.class)
				.isThrownBy(() -> engine.get("c", "k", () -> "v" + loads.incrementAndGet()));
		}
		assertThat(loads).hasValue(0);
		assertThat(engine.inspection().degradedValueCount()).isZero();
	}

	@Test
	void asynchronousCallersAreAnsweredFromTheTierAndAStaleValueIsReloadedInTheBackground() throws Exception {
		Stampede engine = engine(settings(FailurePolicy.CALL_THROUGH, Duration.ofSeconds(30)));
		this.down.set(true);
		AtomicInteger loads = new AtomicInteger();
		assertThat(engine.getAsync("c", "k", () -> CompletableFuture.completedFuture("v" + loads.incrementAndGet()))
			.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
		assertThat(engine.getAsync("c", "k", () -> CompletableFuture.completedFuture("v" + loads.incrementAndGet()))
			.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
		this.clock.advance(TTL);
		CompletableFuture<String> reload = new CompletableFuture<>();
		assertThat(engine.getAsync("c", "k", () -> {
			loads.incrementAndGet();
			return reload;
		}).get(10, TimeUnit.SECONDS)).isEqualTo("v1");
		reload.complete("v2");
		assertThat(engine.getAsync("c", "k", () -> CompletableFuture.completedFuture("v" + loads.incrementAndGet()))
			.get(10, TimeUnit.SECONDS)).isEqualTo("v2");
		assertThat(loads).hasValue(2);
	}

	@Test
	void withFailSafeALoadThatFailsDuringTheOutageServesTheKeptValueAndIsNotRetriedBeforeTheThrottle() {
		Stampede engine = engine(CacheSettings.from(settings(FailurePolicy.CALL_THROUGH, Duration.ZERO))
			.failSafeTtl(Duration.ofMinutes(5))
			.failSafeThrottle(Duration.ofSeconds(30))
			.build());
		this.down.set(true);
		assertThat(engine.get("c", "k", () -> "last good")).isEqualTo("last good");
		this.clock.advance(TTL.plusSeconds(1));
		AtomicInteger loads = new AtomicInteger();
		Loader<String, IllegalStateException> failing = () -> {
			loads.incrementAndGet();
			throw new IllegalStateException("the database is down too");
		};
		assertThat(engine.get("c", "k", failing)).isEqualTo("last good");
		this.clock.advance(Duration.ofSeconds(20));
		assertThat(engine.get("c", "k", failing)).isEqualTo("last good");
		assertThat(loads).hasValue(1);
		this.clock.advance(Duration.ofSeconds(11));
		assertThat(engine.get("c", "k", failing)).isEqualTo("last good");
		assertThat(loads).hasValue(2);
		CacheStats stats = engine.inspection().stats("c");
		assertThat(stats.calls(Outcome.FAIL_SAFE)).isEqualTo(2);
		assertThat(stats.calls(Outcome.DEGRADED_HIT)).isEqualTo(1);
	}

	@Test
	void withFailSafeAnAsynchronousLoadThatFailsDuringTheOutageServesTheKeptValue() throws Exception {
		Stampede engine = engine(CacheSettings.from(settings(FailurePolicy.CALL_THROUGH, Duration.ZERO))
			.failSafeTtl(Duration.ofMinutes(5))
			.build());
		this.down.set(true);
		assertThat(engine.getAsync("c", "k", () -> CompletableFuture.completedFuture("last good"))
			.get(10, TimeUnit.SECONDS)).isEqualTo("last good");
		this.clock.advance(TTL.plusSeconds(1));
		assertThat(engine.getAsync("c", "k",
				() -> CompletableFuture.<String>failedFuture(new IllegalStateException("the database is down too")))
			.get(10, TimeUnit.SECONDS)).isEqualTo("last good");
		assertThat(engine.inspection().stats("c").calls(Outcome.FAIL_SAFE)).isEqualTo(1);
	}

	@Test
	void withoutFailSafeALoadThatFailsPastTheStaleWindowThrows() {
		Stampede engine = engine(settings(FailurePolicy.CALL_THROUGH, Duration.ZERO));
		this.down.set(true);
		assertThat(engine.get("c", "k", () -> "last good")).isEqualTo("last good");
		this.clock.advance(TTL.plusSeconds(1));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> engine.get("c", "k", () -> {
			throw new IllegalStateException("the database is down too");
		}));
	}

	@Test
	void aCallSiteOfAnotherTypeIsNotHandedTheKeptValue() {
		Stampede engine = engine(settings(FailurePolicy.CALL_THROUGH, Duration.ZERO));
		this.down.set(true);
		assertThat(engine.get("c", "k", () -> "a string")).isEqualTo("a string");
		CallSite numbers = engine.callSite("c", CacheSettings.Overrides.NONE, "numbers", Integer.class);
		assertThat(engine.get(numbers, "k", () -> 42, (value) -> true)).isEqualTo(42);
	}

	private Stampede engine(CacheSettings defaults) {
		Stampede engine = new Stampede(this.backend, new StampedeSettings(defaults, Map.of()), "", this.clock);
		this.engines.add(engine);
		return engine;
	}

	private static CacheSettings settings(FailurePolicy onBackendFailure, Duration staleTtl) {
		return CacheSettings.from(CacheSettings.DEFAULTS)
			.ttl(TTL)
			.staleTtl(staleTtl)
			.onBackendFailure(onBackendFailure)
			.build();
	}

	// A backend across a network, whose operations fail while down is set.
	private static StampedeBackend failingWhileDown(StampedeBackend target, AtomicBoolean down) {
		Set<String> alwaysAnswered = Set.of("name", "subscribe", "minimumLeaseTtl", "maximumTtl", "close",
				"toString", "hashCode", "equals");
		return (StampedeBackend) Proxy.newProxyInstance(StampedeBackend.class.getClassLoader(),
				new Class<?>[] { StampedeBackend.class }, (proxy, method, args) -> {
					if (method.getName().equals("isInProcess")) {
						return false;
					}
					if (down.get() && !alwaysAnswered.contains(method.getName())) {
						throw new StampedeBackendException("the server is down", null);
					}
					try {
						return method.invoke(target, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

}
