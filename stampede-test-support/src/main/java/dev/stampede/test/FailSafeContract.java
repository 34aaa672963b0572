package dev.stampede.test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.CacheEvent;
import dev.stampede.CacheSettings;
import dev.stampede.CacheStats;
import dev.stampede.Loader;
import dev.stampede.Outcome;
import dev.stampede.Stampede;
import dev.stampede.StampedeInterruptedException;
import dev.stampede.StampedeTimeoutException;
import dev.stampede.backend.Slot;
import dev.stampede.test.Stampedes.CallResult;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Fail-safe and loader timeouts on every backend: a load that fails serves the key's
 * last good value to every caller of that load and writes it back for
 * {@code fail-safe-throttle}, so that no engine loads again before then; a load past
 * {@code soft-timeout} or {@code hard-timeout} is no longer waited for, goes on, and
 * stores its value or gives its lease back when it ends, whatever stopped its caller.
 * Time past the values' ttl is a clock the test moves; timeouts are real. A backend
 * passes by extending this class.
 */
public abstract class FailSafeContract extends EngineSuite {

	private static final String CACHE = "fail-safe";

	/** Values fresh for a minute, then kept for fail-safe for an hour; a failure throttles loads for 30 s. */
	private static final CacheSettings FAIL_SAFE = CacheSettings.builder()
		.ttl(Duration.ofMinutes(1))
		.leaseTtl(Duration.ofSeconds(30))
		.maxWait(Duration.ofSeconds(20))
		.backoffMax(Duration.ofMillis(20))
		.failSafeTtl(Duration.ofHours(1))
		.failSafeThrottle(Duration.ofSeconds(30))
		.build();

	private final MutableClock clock = new MutableClock();

	@RepeatedTest(3)
	void aLoaderThatThrowsServesTheLastGoodValueToEveryCallerOfItsLoad() {
		Stampede engine = engine(FAIL_SAFE);
		String key = uniqueKey();
		assertThat(engine.get(CACHE, key, () -> "v1")).isEqualTo("v1");
		this.clock.advance(Duration.ofMinutes(2));
		AtomicInteger loads = new AtomicInteger();
		List<CallResult> results = Stampedes.run(16, () -> engine.get(CACHE, key, () -> {
			loads.incrementAndGet();
			// Every other caller joins this load before it fails.
			eventually().until(() -> stats(engine).count(CacheEvent.JOINED) >= 15);
			throw new IOException("database down");
		}));
		assertThat(results).extracting(CallResult::failure).containsOnlyNulls();
		assertThat(results).extracting(CallResult::value).containsOnly("v1");
		assertThat(loads).hasValue(1);
		assertThat(stats(engine).calls(Outcome.FAIL_SAFE)).isEqualTo(16);
		// Written back, fresh for fail-safe-throttle and no longer.
		assertThat(read(engine, key)).isInstanceOfSatisfying(Slot.Present.class, (present) -> {
			assertThat(present.envelope().value()).isEqualTo("v1");
			assertThat(present.envelope().isFreshAt(this.clock.millis())).isTrue();
			assertThat(present.envelope().isFreshAt(this.clock.millis() + 30_001)).isFalse();
		});
		assertNothingHeld(engine);
	}

	@Test
	void aValuePastItsFailSafeWindowIsNoFallback() {
		Stampede engine = engine(FAIL_SAFE);
		String key = uniqueKey();
		engine.get(CACHE, key, () -> "v1");
		this.clock.advance(Duration.ofMinutes(62));
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> engine.get(CACHE, key, () -> {
			throw new IOException("database down");
		})).withMessage("database down");
		assertThat(read(engine, key)).isNotInstanceOf(Slot.Leased.class);
		assertThat(stats(engine).calls(Outcome.FAIL_SAFE)).isZero();
		assertThat(engine.get(CACHE, key, () -> "v2")).isEqualTo("v2");
	}

	@RepeatedTest(2)
	void afterAFailedLoadEnginesMakeOneLoadPerThrottleWindowBetweenThem() {
		List<Stampede> engines = List.of(engine(FAIL_SAFE), engine(FAIL_SAFE));
		String key = uniqueKey();
		engines.get(0).get(CACHE, key, () -> "v1");
		this.clock.advance(Duration.ofMinutes(2));
		AtomicInteger loads = new AtomicInteger();
		Loader<String, Exception> failing = () -> {
			loads.incrementAndGet();
			Thread.sleep(100);
			throw new IOException("database down");
		};
		assertThat(acrossEngines(engines, key, failing)).containsOnly("v1");
		assertThat(loads).hasValue(1);
		// Within the throttle every engine reads the written-back value and nobody loads.
		this.clock.advance(Duration.ofSeconds(20));
		assertThat(acrossEngines(engines, key, failing)).containsOnly("v1");
		assertThat(loads).hasValue(1);
		// Past it, one caller loads again.
		this.clock.advance(Duration.ofSeconds(15));
		assertThat(acrossEngines(engines, key, () -> {
			loads.incrementAndGet();
			Thread.sleep(100);
			return "v2";
		})).containsOnly("v2");
		assertThat(loads).hasValue(2);
		engines.forEach(this::assertNothingHeld);
	}

	@Test
	void aFailedRefreshIsWrittenBackSoThatNoEngineRefreshesAgainWithinTheThrottle() {
		CacheSettings settings = CacheSettings.from(FAIL_SAFE).staleTtl(Duration.ofMinutes(10)).build();
		Stampede first = engine(settings);
		Stampede second = engine(settings);
		String key = uniqueKey();
		first.get(CACHE, key, () -> "v1");
		this.clock.advance(Duration.ofMinutes(2));
		AtomicInteger attempts = new AtomicInteger();
		Loader<String, RuntimeException> failing = () -> {
			attempts.incrementAndGet();
			throw new IllegalStateException("database down");
		};
		assertThat(first.get(CACHE, key, failing)).isEqualTo("v1");
		assertThat(stats(first).calls(Outcome.FAIL_SAFE)).isEqualTo(1);
		for (int i = 0; i < 5; i++) {
			assertThat(second.get(CACHE, key, failing)).isEqualTo("v1");
			assertThat(first.get(CACHE, key, failing)).isEqualTo("v1");
		}
		assertThat(attempts).hasValue(1);
		// Fresh for the throttle, not stale: no engine even tries the refresh lease.
		assertThat(stats(second).calls(Outcome.HIT)).isEqualTo(5);
		assertThat(stats(second).calls(Outcome.STALE)).isZero();
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(second.get(CACHE, key, () -> "v2")).isEqualTo("v2");
		assertThat(first.get(CACHE, key, () -> "not loaded")).isEqualTo("v2");
	}

	@RepeatedTest(2)
	void pastSoftTimeoutTheRefresherGetsTheStaleValueAndTheLoadStoresItsValueLater() throws Exception {
		CacheSettings settings = CacheSettings.from(FAIL_SAFE)
			.failSafeTtl(Duration.ZERO)
			.staleTtl(Duration.ofMinutes(10))
			.softTimeout(Duration.ofMillis(200))
			.build();
		Stampede engine = engine(settings);
		String key = uniqueKey();
		engine.get(CACHE, key, () -> "v1");
		this.clock.advance(Duration.ofMinutes(2));
		CountDownLatch finish = new CountDownLatch(1);
		assertThat(engine.get(CACHE, key, () -> {
			finish.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
			return "v2";
		})).isEqualTo("v1");
		assertThat(stats(engine).calls(Outcome.SOFT_TIMEOUT)).isEqualTo(1);
		assertThat(stats(engine).count(CacheEvent.LOAD_TIMEOUT)).isEqualTo(1);
		// The refresh goes on under its refresh lease.
		assertThat(stats(engine).leasesHeld()).isEqualTo(1);
		finish.countDown();
		eventually().until(() -> stats(engine).leasesHeld() == 0);
		assertThat(engine.get(CACHE, key, () -> "not loaded")).isEqualTo("v2");
	}

	@Test
	void pastSoftTimeoutCallersThatComeWhileTheLoadRunsGetTheFailSafeValueAtOnce() throws Exception {
		Stampede engine = engine(CacheSettings.from(FAIL_SAFE).softTimeout(Duration.ofMillis(200)).build());
		String key = uniqueKey();
		engine.get(CACHE, key, () -> "v1");
		this.clock.advance(Duration.ofMinutes(2));
		CountDownLatch finish = new CountDownLatch(1);
		AtomicInteger loads = new AtomicInteger();
		assertThat(engine.get(CACHE, key, () -> {
			loads.incrementAndGet();
			finish.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
			return "v2";
		})).isEqualTo("v1");
		// Neither loading nor waiting for the lease: a caller that did would not return before the load ends.
		for (int i = 0; i < 5; i++) {
			assertThat(engine.get(CACHE, key, () -> "loaded again: " + loads.incrementAndGet())).isEqualTo("v1");
		}
		assertThat(loads).hasValue(1);
		assertThat(stats(engine).calls(Outcome.SOFT_TIMEOUT)).isEqualTo(6);
		finish.countDown();
		eventually().until(() -> engine.get(CACHE, key, () -> "not loaded"), "v2"::equals);
		assertThat(loads).hasValue(1);
		assertNothingHeld(engine);
	}

	@RepeatedTest(2)
	void pastHardTimeoutWithoutAFallbackTheCallerGetsATimeoutAndTheLeaseEndsWithTheLoad() {
		Stampede engine = engine(CacheSettings.from(FAIL_SAFE).hardTimeout(Duration.ofMillis(300)).build());
		String key = uniqueKey();
		CountDownLatch finish = new CountDownLatch(1);
		assertThatExceptionOfType(StampedeTimeoutException.class).isThrownBy(() -> engine.get(CACHE, key, () -> {
			finish.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
			throw new IOException("database down");
		}))
			.withMessageContaining("cache '" + CACHE + "' key '" + key + "'")
			.withMessageContaining("(hard-timeout)")
			.satisfies((ex) -> assertThat(ex.getWaited()).isGreaterThanOrEqualTo(Duration.ofMillis(300)));
		// The load goes on under its lease, which its failure gives back: nobody waits out lease-ttl (30 s).
		assertThat(read(engine, key)).isInstanceOf(Slot.Leased.class);
		finish.countDown();
		eventually().atMost(Duration.ofSeconds(10)).until(() -> !(read(engine, key) instanceof Slot.Leased));
		assertThat(engine.get(CACHE, key, () -> "v2")).isEqualTo("v2");
		assertThat(stats(engine).count(CacheEvent.LEASE_LOST)).isZero();
		assertThat(stats(engine).count(CacheEvent.LOAD_TIMEOUT)).isEqualTo(1);
		assertThat(stats(engine).calls(Outcome.ERROR)).isEqualTo(1);
		assertNothingHeld(engine);
	}

	@Test
	void aLoadPastHardTimeoutStoresItsValueWhenItEnds() {
		Stampede engine = engine(CacheSettings.from(FAIL_SAFE).hardTimeout(Duration.ofMillis(300)).build());
		String key = uniqueKey();
		CountDownLatch finish = new CountDownLatch(1);
		assertThatExceptionOfType(StampedeTimeoutException.class).isThrownBy(() -> engine.get(CACHE, key, () -> {
			finish.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
			return "v1";
		}));
		finish.countDown();
		eventually().until(() -> read(engine, key) instanceof Slot.Present);
		assertThat(engine.get(CACHE, key, () -> "not loaded")).isEqualTo("v1");
		assertNothingHeld(engine);
	}

	@Test
	void pastHardTimeoutTheFailSafeValueIsServedAndTheLoadStoresItsValueWhenItEnds() throws Exception {
		Stampede engine = engine(CacheSettings.from(FAIL_SAFE).hardTimeout(Duration.ofMillis(300)).build());
		String key = uniqueKey();
		engine.get(CACHE, key, () -> "v1");
		this.clock.advance(Duration.ofMinutes(2));
		CountDownLatch finish = new CountDownLatch(1);
		assertThat(engine.get(CACHE, key, () -> {
			finish.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
			return "v2";
		})).isEqualTo("v1");
		assertThat(stats(engine).calls(Outcome.FAIL_SAFE)).isEqualTo(1);
		assertThat(stats(engine).count(CacheEvent.LOAD_TIMEOUT)).isEqualTo(1);
		finish.countDown();
		eventually()
			.until(() -> read(engine, key) instanceof Slot.Present present && "v2".equals(present.envelope().value()));
		assertThat(engine.get(CACHE, key, () -> "not loaded")).isEqualTo("v2");
		assertNothingHeld(engine);
	}

	@Test
	void asynchronousCallersGetTheFailSafeValuePastSoftTimeoutAndWhenTheLoadFails() throws Exception {
		Stampede engine = engine(CacheSettings.from(FAIL_SAFE)
			.softTimeout(Duration.ofMillis(200))
			.hardTimeout(Duration.ofSeconds(2))
			.build());
		String key = uniqueKey();
		engine.get(CACHE, key, () -> "v1");
		this.clock.advance(Duration.ofMinutes(2));
		CompletableFuture<String> slow = new CompletableFuture<>();
		assertThat(engine.getAsync(CACHE, key, () -> slow).get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS))
			.isEqualTo("v1");
		assertThat(stats(engine).calls(Outcome.SOFT_TIMEOUT)).isEqualTo(1);
		slow.complete("v2");
		eventually()
			.until(() -> engine.getAsync(CACHE, key, () -> CompletableFuture.completedFuture("not loaded"))
				.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS), "v2"::equals);
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(engine.getAsync(CACHE, key, () -> CompletableFuture.failedFuture(new IOException("database down")))
			.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("v2");
		assertThat(stats(engine).calls(Outcome.FAIL_SAFE)).isEqualTo(1);
		assertNothingHeld(engine);
	}

	@Test
	void anAsynchronousCallerPastHardTimeoutWithoutAFallbackGetsATimeoutAndTheLoadStillStores() {
		Stampede engine = engine(CacheSettings.from(FAIL_SAFE).hardTimeout(Duration.ofMillis(300)).build());
		String key = uniqueKey();
		CompletableFuture<String> slow = new CompletableFuture<>();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> engine.getAsync(CACHE, key, () -> slow).get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(StampedeTimeoutException.class)
			.withMessageContaining("cache '" + CACHE + "' key '" + key + "'");
		slow.complete("v1");
		eventually().until(() -> read(engine, key) instanceof Slot.Present);
		assertThat(engine.get(CACHE, key, () -> "not loaded")).isEqualTo("v1");
		assertNothingHeld(engine);
	}

	@Test
	void anErrorOfALoaderOnALoaderThreadReachesItsCallerAndGivesTheLeaseBack() {
		Stampede engine = engine(CacheSettings.from(FAIL_SAFE).hardTimeout(Duration.ofSeconds(2)).build());
		String key = uniqueKey();
		engine.get(CACHE, key, () -> "v1");
		this.clock.advance(Duration.ofMinutes(2));
		AssertionError error = new AssertionError("a bug in the loader");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> engine.get(CACHE, key, () -> {
			throw error;
		})).isSameAs(error);
		// An Error is no failure of the data source: it is not answered with the fail-safe value.
		assertThat(stats(engine).calls(Outcome.FAIL_SAFE)).isZero();
		assertThat(read(engine, key)).isNotInstanceOf(Slot.Leased.class);
		assertNothingHeld(engine);
	}

	@RepeatedTest(2)
	void aCallerInterruptedWhileItWaitsForATimedLoadStopsAloneAndTheLoadStoresItsValue() throws Exception {
		Stampede engine = engine(CacheSettings.from(FAIL_SAFE).hardTimeout(Duration.ofSeconds(20)).build());
		String key = uniqueKey();
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		AtomicInteger loads = new AtomicInteger();
		AtomicBoolean interruptKept = new AtomicBoolean();
		FutureTask<Object> owner = new FutureTask<>(() -> {
			try {
				return engine.get(CACHE, key, () -> {
					loads.incrementAndGet();
					loading.countDown();
					finish.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
					return "v1";
				});
			}
			finally {
				interruptKept.set(Thread.currentThread().isInterrupted());
			}
		});
		Thread ownerThread = new Thread(owner, "owner");
		ownerThread.start();
		assertThat(loading.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		FutureTask<Object> joined = start(() -> engine.get(CACHE, key, () -> "loaded again: " + loads.incrementAndGet()));
		eventually().until(() -> stats(engine).count(CacheEvent.JOINED) == 1);
		ownerThread.interrupt();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> owner.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(StampedeInterruptedException.class);
		assertThat(interruptKept).isTrue();
		finish.countDown();
		// The caller that joined goes on without the owner, and gets the value of the load that went on.
		assertThat(joined.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("v1");
		assertThat(loads).hasValue(1);
		assertNothingHeld(engine);
	}

	@Test
	void anEngineClosedWhileALoadRunsInTheBackgroundGivesItsLeaseBack() throws Exception {
		CacheSettings settings = CacheSettings.from(FAIL_SAFE).hardTimeout(Duration.ofMillis(300)).build();
		Stampede engine = engine(settings);
		Stampede other = engine(settings);
		String key = uniqueKey();
		CountDownLatch never = new CountDownLatch(1);
		assertThatExceptionOfType(StampedeTimeoutException.class).isThrownBy(() -> engine.get(CACHE, key, () -> {
			never.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
			return "never stored";
		}));
		assertThat(read(other, key)).isInstanceOf(Slot.Leased.class);
		// Closing gives the load two seconds, then interrupts it: the lease is given back, not left for 30 s.
		engine.close();
		eventually().atMost(Duration.ofSeconds(10)).until(() -> !(read(other, key) instanceof Slot.Leased));
		assertThat(other.get(CACHE, key, () -> "v1")).isEqualTo("v1");
		assertThat(stats(other).count(CacheEvent.LEASE_LOST)).isZero();
		assertThat(stats(engine).leasesHeld()).isZero();
	}

	/** Creates an engine on a new backend instance that reads the test's clock, closed after the test. */
	private Stampede engine(CacheSettings settings) {
		return engine(createBackend(), settings, this.clock);
	}

	// 8 callers on each of the engines at once.
	private static List<Object> acrossEngines(List<Stampede> engines, String key, Loader<String, Exception> loader) {
		AtomicInteger thread = new AtomicInteger();
		List<CallResult> results = Stampedes.run(8 * engines.size(),
				() -> engines.get(thread.getAndIncrement() % engines.size()).get(CACHE, key, loader));
		assertThat(results).extracting(CallResult::failure).containsOnlyNulls();
		return results.stream().map(CallResult::value).toList();
	}

	private void assertNothingHeld(Stampede engine) {
		eventually().until(() -> engine.inspection().inFlightCount() == 0);
		eventually().until(() -> stats(engine).leasesHeld() == 0);
	}

	// Polls often: what it waits for is a write that happens within milliseconds.
	private static ConditionFactory eventually() {
		return await().atMost(Stampedes.BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
	}

	private static Slot read(Stampede engine, String key) {
		return engine.inspection().backend().read(engine.inspection().backendKey(CACHE, key));
	}

	private static CacheStats stats(Stampede engine) {
		return engine.inspection().stats(CACHE);
	}

}
