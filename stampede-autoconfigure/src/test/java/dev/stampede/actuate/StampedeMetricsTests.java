package dev.stampede.actuate;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.stampede.CacheSettings;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.Slot;
import dev.stampede.backend.local.LocalBackend;
import dev.stampede.test.MutableClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class StampedeMetricsTests {

	@Test
	void everyBoundRegistryCountsCallsAndLoadsOfCachesSeenBeforeAndAfterBinding() {
		try (Stampede stampede = new Stampede(new LocalBackend(100))) {
			stampede.get("before", "key", () -> "value");
			List<MeterRegistry> registries = List.of(new SimpleMeterRegistry(), new SimpleMeterRegistry());
			StampedeMetrics metrics = new StampedeMetrics(stampede);
			registries.forEach(metrics::bindTo);
			stampede.get("after", "key", () -> "value");
			stampede.get("after", "key", () -> "value");
			for (MeterRegistry registry : registries) {
				assertThat(registry.get("stampede.calls").tags("cache", "before", "outcome", "loaded")
					.functionCounter()
					.count()).isEqualTo(1);
				assertThat(registry.get("stampede.calls").tags("cache", "after", "outcome", "hit")
					.functionCounter()
					.count()).isEqualTo(1);
				assertThat(registry.get("stampede.events").tags("cache", "before", "event", "lease-won")
					.functionCounter()
					.count()).isEqualTo(1);
				assertThat(registry.get("stampede.load")
					.tags("cache", "after", "outcome", "success", "error", "none")
					.timer()
					.count()).isEqualTo(1);
				assertThat(registry.get("stampede.leases.held").tags("cache", "after").gauge().value()).isZero();
				assertThat(registry.get("stampede.unreadable").tags("cache", "after").functionCounters())
					.extracting((counter) -> counter.getId().getTag("reason"))
					.containsExactlyInAnyOrder("foreign", "other-format", "bad-signature", "rejected", "undecodable",
							"other-type");
			}
		}
	}

	@Test
	void loadsAndWaitsAreTimedByHowTheyEndedAsAnObservationsMeterHandlerWouldTimeThem() {
		LocalBackend backend = new LocalBackend(100);
		CacheSettings settings = CacheSettings.builder().maxWait(Duration.ofMillis(50)).build();
		try (Stampede stampede = new Stampede(backend, new StampedeSettings(settings, Map.of()), "",
				Clock.systemUTC())) {
			MeterRegistry registry = new SimpleMeterRegistry();
			new StampedeMetrics(stampede).bindTo(registry);
			assertThatIllegalStateException().isThrownBy(() -> stampede.get("c", "failing", () -> {
				throw new IllegalStateException("database down");
			}));
			backend.tryLease(stampede.inspection().backendKey("c", "held"), Slot.EMPTY, "holder",
					Duration.ofMinutes(1));
			assertThat(stampede.get("c", "held", () -> "called through")).isEqualTo("called through");
			assertThat(registry.get("stampede.load")
				.tags("cache", "c", "outcome", "error", "error", "IllegalStateException")
				.timer()
				.count()).isEqualTo(1);
			assertThat(registry.get("stampede.load").tags("cache", "c", "outcome", "success").timer().count())
				.isEqualTo(1);
			assertThat(registry.get("stampede.wait")
				.tags("cache", "c", "outcome", "call-through", "error", "none")
				.timer()
				.count()).isEqualTo(1);
		}
	}

	@Test
	void whereObservationsTimeLoadsAndWaitsTheMetersDoNot() {
		try (Stampede stampede = new Stampede(new LocalBackend(100))) {
			MeterRegistry registry = new SimpleMeterRegistry();
			new StampedeMetrics(stampede, false).bindTo(registry);
			stampede.get("c", "key", () -> "value");
			assertThat(registry.get("stampede.calls").tags("cache", "c", "outcome", "loaded").functionCounter().count())
				.isEqualTo(1);
			assertThat(registry.find("stampede.load").timers()).isEmpty();
		}
	}

	@Test
	void callsAnsweredWithAFailSafeValueAreCountedByWhy() throws Exception {
		MutableClock clock = new MutableClock();
		CacheSettings failSafe = CacheSettings.builder()
			.ttl(Duration.ofMinutes(1))
			.failSafeTtl(Duration.ofHours(1))
			.build();
		// Only "quotes" waits a bounded time: the failure of "prices" is the loader's, never a timeout.
		Map<String, CacheSettings.Overrides> caches = Map.of("quotes",
				CacheSettings.Overrides.builder().softTimeout(Duration.ofMillis(50)).build());
		try (Stampede stampede = new Stampede(new LocalBackend(100), new StampedeSettings(failSafe, caches), "",
				clock)) {
			MeterRegistry registry = new SimpleMeterRegistry();
			new StampedeMetrics(stampede).bindTo(registry);
			stampede.get("prices", "key", () -> "last good");
			stampede.get("quotes", "key", () -> "last good");
			clock.advance(Duration.ofMinutes(2));
			assertThat(stampede.<String, IOException>get("prices", "key", () -> {
				throw new IOException("database down");
			})).isEqualTo("last good");
			CountDownLatch finish = new CountDownLatch(1);
			assertThat(stampede.get("quotes", "key", () -> {
				finish.await(10, TimeUnit.SECONDS);
				return "new";
			})).isEqualTo("last good");
			finish.countDown();
			assertThat(registry.get("stampede.calls").tags("cache", "prices", "outcome", "fail-safe")
				.functionCounter()
				.count()).isEqualTo(1);
			assertThat(registry.get("stampede.calls").tags("cache", "quotes", "outcome", "soft-timeout")
				.functionCounter()
				.count()).isEqualTo(1);
			assertThat(registry.get("stampede.events").tags("cache", "quotes", "event", "load-timeout")
				.functionCounter()
				.count()).isEqualTo(1);
		}
	}

	@Test
	void unreadableDataIsCountedByItsReason() {
		try (Stampede stampede = new Stampede(new LocalBackend(100))) {
			MeterRegistry registry = new SimpleMeterRegistry();
			new StampedeMetrics(stampede).bindTo(registry);
			stampede.get("shared", "key", () -> "a string");
			var integers = stampede.callSite("shared", CacheSettings.Overrides.NONE, "integers", Integer.class);
			assertThat(stampede.get(integers, "key", () -> 42, (value) -> true)).isEqualTo(42);
			assertThat(registry.get("stampede.unreadable").tags("cache", "shared", "reason", "other-type")
				.functionCounter()
				.count()).isEqualTo(1);
			assertThat(registry.get("stampede.unreadable").tags("cache", "shared", "reason", "rejected")
				.functionCounter()
				.count()).isZero();
		}
	}

}
