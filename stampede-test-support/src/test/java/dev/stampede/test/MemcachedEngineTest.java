package dev.stampede.test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.stampede.CacheSettings;
import dev.stampede.InvalidSettingException;
import dev.stampede.LoadEstimate;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.memcached.MemcachedBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class MemcachedEngineTest extends EngineContract {

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@Override
	protected StampedeBackend createBackend() {
		return MemcachedBackendTest.connect(memcached.server().address());
	}

	@Test
	void aLifetimeReachingPast2038IsRejectedAtStartNamingTheSetting() {
		CacheSettings settings = CacheSettings.from(SETTINGS)
			.ttl(Duration.ofDays(4_000))
			.staleTtl(Duration.ofDays(400))
			.build();
		StampedeBackend backend = createBackend();
		closeAfterTest(backend);
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> new Stampede(backend, new StampedeSettings(settings, Map.of()), "", Clock.systemUTC()))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("defaults.ttl"))
			.withMessageContaining("memcached");
	}

	@Test
	void aCallSiteWhoseLifetimeReachesPast2038IsRejectedWhenItIsResolved() {
		Stampede engine = engine(SETTINGS);
		CacheSettings.Overrides tooLong = CacheSettings.Overrides.builder().ttl(Duration.ofDays(5_000)).build();
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> engine.callSite("contract", tooLong, "test"))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("ttl"));
	}

	@Test
	void aLocalHitSendsNothingToMemcached() throws Exception {
		Stampede engine = engine(withLocalTier(Duration.ofMinutes(1)));
		String key = uniqueKey();
		engine.get("contract", key, () -> "value");
		long before = memcachedReads();
		for (int i = 0; i < 100; i++) {
			assertThat(engine.get("contract", key, () -> "loaded again")).isEqualTo("value");
		}
		assertThat(memcachedReads() - before).isZero();
	}

	@Test
	void withoutNotificationsAnotherEnginesLocalTierIsStaleForAtMostLocalTtl() {
		Duration localTtl = Duration.ofSeconds(1);
		Stampede evicting = engine(withLocalTier(localTtl));
		Stampede other = engine(withLocalTier(localTtl));
		String key = uniqueKey();
		assertThat(other.get("contract", key, () -> "old")).isEqualTo("old");
		evicting.evict("contract", key);
		assertThat(other.get("contract", key, () -> "new")).isEqualTo("old");
		await().atMost(localTtl.plusSeconds(2))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> other.get("contract", key, () -> "new"), "new"::equals);
	}

	@Test
	void aValueTooLargeForMemcachedIsReturnedUncachedAndCounted() {
		Stampede engine = engine(SETTINGS);
		String key = uniqueKey();
		AtomicInteger loads = new AtomicInteger();
		for (int i = 0; i < 3; i++) {
			byte[] value = engine.get("contract", key, () -> {
				loads.incrementAndGet();
				return new byte[2 * 1024 * 1024];
			});
			assertThat(value).hasSize(2 * 1024 * 1024);
		}
		assertThat(loads).hasValue(3);
		assertThat(engine.inspection().stats("contract").count(dev.stampede.CacheEvent.NOT_STORED)).isEqualTo(3);
		assertThat(engine.inspection().backend().read(engine.inspection().backendKey("contract", key))).isEqualTo(Slot.EMPTY);
	}

	@Test
	void garbageWrittenUnderTheKeyByAnotherProgramIsAMiss() throws Exception {
		Stampede engine = engine(SETTINGS);
		String key = uniqueKey();
		MemcachedBackend other = MemcachedBackendTest.connect(memcached.server().address());
		try {
			other.getClient().set(engine.inspection().backendKey("contract", key), 60, "not an envelope");
		}
		finally {
			other.close();
		}
		assertThat(engine.get("contract", key, () -> "loaded")).isEqualTo("loaded");
		assertThat(engine.get("contract", key, () -> "loaded again")).isEqualTo("loaded");
		assertThat(engine.inspection().stats("contract").count(dev.stampede.CacheEvent.UNREADABLE)).isEqualTo(1);
	}

	@Test
	void aWaiterReturnsSoonAfterASlowLoadIsWrittenReadingAroundItsExpectedEndOnly() throws Exception {
		// Reads a second apart when nothing is known: without the estimate the waiter would
		// read next half a second after this load's write. memcached may end a lease up to a
		// second early: this one outlives the load by far.
		CacheSettings settings = CacheSettings.from(SETTINGS)
			.leaseTtl(Duration.ofSeconds(10))
			.backoffInitial(Duration.ofSeconds(1))
			.backoffMax(Duration.ofSeconds(1))
			.backoffJitter(0)
			.build();
		Stampede holder = engine(settings);
		ReadCountingBackend counting = new ReadCountingBackend(createBackend());
		Stampede waiter = engine(counting, settings);
		long loadMillis = 1_500;
		holder.get("contract", uniqueKey(), () -> {
			Thread.sleep(loadMillis);
			return "teaches the call site its load time";
		});
		String key = uniqueKey();
		CountDownLatch loading = new CountDownLatch(1);
		AtomicLong written = new AtomicLong();
		FutureTask<Object> load = start(() -> holder.get("contract", key, () -> {
			loading.countDown();
			Thread.sleep(loadMillis);
			written.set(System.nanoTime());
			return "value";
		}));
		assertThat(loading.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		counting.reset();
		assertThat(waiter.get("contract", key, () -> "loaded by the waiter")).isEqualTo("value");
		long returned = System.nanoTime();
		assertThat(load.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("value");
		// A miss and the read after registering, one read a second before the expected end, then
		// at most the fine reads of the window around it (20 ms ahead, 50 ms after, every 5 ms)
		// and a few more for a write later still; reading every 5 ms throughout would take 300.
		assertThat(counting.reads()).isBetween(4L, 24L);
		assertThat(Duration.ofNanos(returned - written.get())).isLessThan(Duration.ofMillis(250));
	}

	@Test
	void aLeaseCarriesTheLoadTimeOfTheValueItReplacesOrElseItsCallSitesEstimate() throws Exception {
		Stampede engine = engine(SETTINGS);
		Clock twoMinutesLater = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2));
		Stampede later = engine(createBackend(), SETTINGS, twoMinutesLater);
		StampedeBackend store = createBackend();
		closeAfterTest(store);
		String key = uniqueKey();
		String backendKey = engine.inspection().backendKey("contract", key);
		AtomicReference<Slot> firstLease = new AtomicReference<>();
		engine.get("contract", key, () -> {
			firstLease.set(store.read(backendKey));
			Thread.sleep(120);
			return "old";
		});
		assertThat(firstLease.get()).isInstanceOfSatisfying(Slot.Leased.class,
				(lease) -> assertThat(lease.estimate()).isEqualTo(LoadEstimate.UNKNOWN));
		long lastLoad = ((Slot.Present) store.read(backendKey)).envelope().loadMillis();
		assertThat(lastLoad).isGreaterThanOrEqualTo(120);

		AtomicReference<Slot> overExpired = new AtomicReference<>();
		long before = twoMinutesLater.millis();
		// Two minutes on, the value (fresh for one) has expired, and memcached still holds it.
		assertThat(later.get("contract", key, () -> {
			overExpired.set(store.read(backendKey));
			return "new";
		})).isEqualTo("new");
		long after = twoMinutesLater.millis();
		assertThat(overExpired.get()).isInstanceOfSatisfying(Slot.Leased.class, (lease) -> {
			assertThat(lease.estimate().expectedMillis()).isEqualTo(lastLoad);
			assertThat(lease.estimate().startedAtMillis()).isBetween(before, after);
		});

		String emptyKey = uniqueKey();
		AtomicReference<Slot> overEmpty = new AtomicReference<>();
		engine.get("contract", emptyKey, () -> {
			overEmpty.set(store.read(engine.inspection().backendKey("contract", emptyKey)));
			return "value";
		});
		assertThat(overEmpty.get()).isInstanceOfSatisfying(Slot.Leased.class,
				(lease) -> assertThat(lease.estimate().expectedMillis()).isEqualTo(lastLoad));
	}

	@Test
	void aWaiterForAHolderThatDiedReadsFinelyOnlyAroundTheExpectedEndAndTakesOverOnceTheLeaseExpired() {
		CacheSettings settings = CacheSettings.from(SETTINGS).backoffMax(Duration.ofMillis(200)).build();
		ReadCountingBackend counting = new ReadCountingBackend(createBackend());
		Stampede waiter = engine(counting, settings);
		String key = uniqueKey();
		assertThat(counting.tryLease(waiter.inspection().backendKey("contract", key), Slot.EMPTY, "holder-that-died",
				Duration.ofSeconds(1), new LoadEstimate(100, System.currentTimeMillis()))).isTrue();
		AtomicInteger loads = new AtomicInteger();
		assertThat(waiter.get("contract", key, () -> "value-" + loads.incrementAndGet())).isEqualTo("value-1");
		// The lease lives one to two seconds on memcached's clock. Reading every 2 ms until then
		// would take hundreds of reads; reading finely for 25 ms, then backing off, a few dozen.
		assertThat(counting.reads()).isLessThan(60);
	}

	private long memcachedReads() throws Exception {
		MemcachedBackend backend = MemcachedBackendTest.connect(memcached.server().address());
		try {
			Map<String, String> stats = backend.getClient().getStats().values().iterator().next();
			return Long.parseLong(stats.get("cmd_get"));
		}
		finally {
			backend.close();
		}
	}

}
