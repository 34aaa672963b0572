package dev.stampede.test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.CacheSettings;
import dev.stampede.FailurePolicy;
import dev.stampede.RefreshMode;
import dev.stampede.Stampede;
import dev.stampede.StampedeBackendException;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.memcached.MemcachedBackend;
import dev.stampede.test.Stampedes.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Protected calls while memcached is killed or paused: they keep working, or fail
 * clearly, and never wait past the operation timeout.
 */
class MemcachedOutageTest {

	// One server per test: each test kills or pauses it.
	@RegisterExtension
	final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	private MemcachedBackend backend;

	private Stampede engine;

	@AfterEach
	void close() {
		if (this.engine != null) {
			this.engine.close();
			this.backend.close();
		}
	}

	@Test
	void withCallThroughAKilledServerLeavesOneMethodCallPerKeyPerJvm() {
		Stampede engine = engine(FailurePolicy.CALL_THROUGH);
		this.memcached.server().kill();
		AtomicInteger loads = new AtomicInteger();
		List<Outcome> outcomes = Stampedes.run(16, () -> engine.get("outage", "k", () -> {
			Thread.sleep(300);
			return "from the database " + loads.incrementAndGet();
		}));
		assertThat(loads).hasValue(1);
		assertThat(outcomes).extracting(Outcome::value).containsOnly("from the database 1");
	}

	@Test
	void withFailAKilledServerRaisesAnExceptionNamingTheBackendAndTheFix() {
		Stampede engine = engine(FailurePolicy.FAIL);
		this.memcached.server().kill();
		assertThatExceptionOfType(StampedeBackendException.class)
			.isThrownBy(() -> engine.get("outage", "k", () -> "never called"))
			.withMessageContaining("memcached")
			.withMessageContaining("cache 'outage' key 'k'")
			.withMessageContaining("call-through");
	}

	@Test
	void aPausedServerCostsAtMostTheOperationTimeoutAndIsUsedAgainOnceResumed() {
		Stampede engine = engine(FailurePolicy.CALL_THROUGH);
		assertThat(engine.get("outage", "before", () -> "cached")).isEqualTo("cached");
		this.memcached.server().pause();
		long start = System.nanoTime();
		assertThat(engine.get("outage", "during", () -> "direct")).isEqualTo("direct");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		this.memcached.server().resume();
		assertThat(engine.get("outage", "before", () -> "loaded again")).isEqualTo("cached");
	}

	private Stampede engine(FailurePolicy onBackendFailure) {
		CacheSettings settings = new CacheSettings(Duration.ofMinutes(1), Duration.ofSeconds(2),
				Duration.ofSeconds(5), EngineContract.SETTINGS.backoff(), true, onBackendFailure,
				FailurePolicy.CALL_THROUGH, Duration.ZERO, 10_000, Duration.ZERO, RefreshMode.INLINE, 0);
		this.backend = MemcachedBackendTest.connect(this.memcached.server().address());
		this.engine = new Stampede(this.backend, new StampedeSettings(settings, Map.of()), "", Clock.systemUTC());
		return this.engine;
	}

}
