package dev.stampede;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CacheSettingsTest {

	@Test
	void configurationForACacheWinsOverTheCallSiteWhichWinsOverDefaults() {
		CacheSettings.Overrides configured = CacheSettings.Overrides.builder().ttl(Duration.ofSeconds(30)).build();
		StampedeSettings settings = new StampedeSettings(CacheSettings.DEFAULTS, Map.of("products", configured));
		CacheSettings.Overrides annotation = CacheSettings.Overrides.builder()
			.ttl(Duration.ofHours(1))
			.leaseTtl(Duration.ofSeconds(3))
			.build();
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
			.isThrownBy(() -> CacheSettings.DEFAULTS.with(CacheSettings.Overrides.builder().ttl(Duration.ZERO).build()))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("ttl"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> CacheSettings.builder().localMaxSize(0).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("local-max-size"));
	}

	@Test
	void settingsBuiltFromOthersChangeOnlyWhatIsNamed() {
		CacheSettings base = CacheSettings.builder()
			.ttl(Duration.ofSeconds(30))
			.backoffMax(Duration.ofMillis(50))
			.build();
		CacheSettings changed = CacheSettings.from(base).cacheNulls(false).build();
		assertThat(changed.cacheNulls()).isFalse();
		assertThat(changed.ttl()).isEqualTo(Duration.ofSeconds(30));
		assertThat(changed.backoff()).isEqualTo(new Backoff(CacheSettings.DEFAULTS.backoff().initial(),
				Duration.ofMillis(50), CacheSettings.DEFAULTS.backoff().multiplier(),
				CacheSettings.DEFAULTS.backoff().jitter()));
		CacheSettings changedBack = CacheSettings.from(changed)
			.cacheNulls(true)
			.ttl(CacheSettings.DEFAULTS.ttl())
			.backoff(CacheSettings.DEFAULTS.backoff())
			.build();
		assertThat(changedBack).isEqualTo(CacheSettings.DEFAULTS)
			.hasSameHashCodeAs(CacheSettings.DEFAULTS);
	}

	@Test
	void overridesThatSetNothingLeaveTheSettingsAsTheyAre() {
		assertThat(CacheSettings.Overrides.builder().build()).isEqualTo(CacheSettings.Overrides.NONE);
		assertThat(CacheSettings.DEFAULTS.with(CacheSettings.Overrides.NONE)).isSameAs(CacheSettings.DEFAULTS);
		assertThat(CacheSettings.DEFAULTS.with(null)).isSameAs(CacheSettings.DEFAULTS);
	}

	@Test
	void backoffIsOverriddenValueByValue() {
		CacheSettings settings = CacheSettings.DEFAULTS
			.with(CacheSettings.Overrides.builder().backoffMax(Duration.ofSeconds(1)).backoffJitter(0.0).build());
		assertThat(settings.backoff()).isEqualTo(new Backoff(CacheSettings.DEFAULTS.backoff().initial(),
				Duration.ofSeconds(1), CacheSettings.DEFAULTS.backoff().multiplier(), 0.0));
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
	void failSafeAndTimeoutsAreOffByDefaultAndOverriddenByName() {
		assertThat(CacheSettings.DEFAULTS.failSafeTtl()).isZero();
		assertThat(CacheSettings.DEFAULTS.softTimeout()).isZero();
		assertThat(CacheSettings.DEFAULTS.hardTimeout()).isZero();
		assertThat(CacheSettings.DEFAULTS.failSafeThrottle()).isEqualTo(Duration.ofSeconds(30));
		CacheSettings.Overrides overrides = CacheSettings.Overrides.builder()
			.failSafeTtl(Duration.ofHours(1))
			.failSafeThrottle(Duration.ofSeconds(5))
			.softTimeout(Duration.ofMillis(200))
			.hardTimeout(Duration.ofSeconds(2))
			.build();
		CacheSettings settings = CacheSettings.DEFAULTS.with(overrides);
		assertThat(settings.storageTtl()).isEqualTo(settings.ttl().plus(Duration.ofHours(1)));
		assertThat(settings).isEqualTo(CacheSettings.builder()
			.failSafeTtl(Duration.ofHours(1))
			.failSafeThrottle(Duration.ofSeconds(5))
			.softTimeout(Duration.ofMillis(200))
			.hardTimeout(Duration.ofSeconds(2))
			.build());
		assertThat(overrides.names()).containsExactly("fail-safe-throttle", "fail-safe-ttl", "hard-timeout",
				"soft-timeout");
	}

	@Test
	void failSafeAndTimeoutValuesThatCannotWorkAreRejectedByName() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> CacheSettings.builder().failSafeTtl(Duration.ofSeconds(-1)).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("fail-safe-ttl"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> CacheSettings.builder().failSafeThrottle(Duration.ZERO).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("fail-safe-throttle"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> CacheSettings.builder().softTimeout(Duration.ofMillis(-5)).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("soft-timeout"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> CacheSettings.builder()
				.softTimeout(Duration.ofSeconds(1))
				.hardTimeout(Duration.ofSeconds(1))
				.build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("hard-timeout"))
			.withMessageContaining("longer than soft-timeout (1000 ms)")
			.withMessageContaining("raise hard-timeout or lower soft-timeout");
	}

	@Test
	void aTimeoutAsLongAsTheLeaseIsRejectedWithTheFix() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> CacheSettings.builder()
				.leaseTtl(Duration.ofSeconds(10))
				.hardTimeout(Duration.ofSeconds(10))
				.build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("hard-timeout"))
			.withMessageContaining("shorter than lease-ttl (10000 ms), was 10000 ms")
			.withMessageContaining("raise lease-ttl");
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> CacheSettings.DEFAULTS
				.with(CacheSettings.Overrides.builder().softTimeout(Duration.ofSeconds(12)).build()))
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo("soft-timeout"));
		assertThat(CacheSettings.builder().hardTimeout(Duration.ofMillis(9_999)).build().hardTimeout())
			.isEqualTo(Duration.ofMillis(9_999));
	}

	@Test
	void anInvalidSettingCanBeNamedUnderItsConfigurationPrefix() {
		InvalidSettingException ex = new InvalidSettingException("lease-ttl", "too short").under("caches.products.");
		assertThat(ex.getSetting()).isEqualTo("caches.products.lease-ttl");
		assertThat(ex).hasMessage("caches.products.lease-ttl: too short");
	}

}
