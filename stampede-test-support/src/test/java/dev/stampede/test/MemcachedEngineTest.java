package dev.stampede.test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.CacheSettings;
import dev.stampede.InvalidSettingException;
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
