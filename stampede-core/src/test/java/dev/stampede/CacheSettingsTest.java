package dev.stampede;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CacheSettingsTest {

	@Test
	void configurationForACacheWinsOverTheCallSiteWhichWinsOverDefaults() {
		CacheSettings.Overrides configured = new CacheSettings.Overrides(Duration.ofSeconds(30), null, null, null,
				null, null, null, null, null, null, null, null, null, null, null);
		StampedeSettings settings = new StampedeSettings(CacheSettings.DEFAULTS, Map.of("products", configured));
		CacheSettings.Overrides annotation = CacheSettings.Overrides.durations(Duration.ofHours(1), null,
				Duration.ofSeconds(3), null);
		CacheSettings resolved = settings.resolve("products", annotation);
		assertThat(resolved.ttl()).isEqualTo(Duration.ofSeconds(30));
		assertThat(resolved.leaseTtl()).isEqualTo(Duration.ofSeconds(3));
		assertThat(resolved.maxWait()).isEqualTo(CacheSettings.DEFAULTS.maxWait());
		assertThat(settings.resolve("other", annotation).ttl()).isEqualTo(Duration.ofHours(1));
		assertThat(settings.resolve("other", null)).isEqualTo(CacheSettings.DEFAULTS);
	}

	@Test
	void aTtlThatIsNotPositiveIsRejectedByName() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> CacheSettings.DEFAULTS.with(CacheSettings.Overrides.durations(Duration.ZERO, null, null, null)))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("ttl"));
	}

	@Test
	void backoffLimitsAreRejectedByName() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> new Backoff(Duration.ofMillis(10), Duration.ofMillis(5), 2, 0.5))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("backoff.max"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> new Backoff(Duration.ofMillis(5), Duration.ofMillis(50), 0.5, 0.5))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("backoff.multiplier"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> new Backoff(Duration.ofMillis(5), Duration.ofMillis(50), 2, 1.5))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("backoff.jitter"));
	}

	@Test
	void anInvalidSettingCanBeNamedUnderItsConfigurationPrefix() {
		InvalidSettingException ex = new InvalidSettingException("lease-ttl", "too short").under("caches.products.");
		assertThat(ex.getSetting()).isEqualTo("caches.products.lease-ttl");
		assertThat(ex).hasMessage("caches.products.lease-ttl: too short");
	}

}
