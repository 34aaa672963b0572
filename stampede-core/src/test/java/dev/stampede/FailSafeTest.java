package dev.stampede;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailSafeTest {

	private static final CacheSettings SETTINGS = CacheSettings.builder()
		.ttl(Duration.ofSeconds(60))
		.staleTtl(Duration.ofSeconds(30))
		.failSafeTtl(Duration.ofSeconds(600))
		.failSafeThrottle(Duration.ofSeconds(20))
		.build();

	// Loaded at 0: fresh until 60 s, stale until 90 s, a fallback until 690 s.
	private static final Envelope LOADED = new Envelope("v", 60_000, 90_000, 5);

	@Test
	void aValueIsAFallbackOnlyPastItsStaleTimeAndWithinFailSafeTtl() {
		assertThat(FailSafe.isFallbackAt(LOADED, SETTINGS, 30_000)).isFalse();
		assertThat(FailSafe.isFallbackAt(LOADED, SETTINGS, 89_999)).isFalse();
		assertThat(FailSafe.isFallbackAt(LOADED, SETTINGS, 90_000)).isTrue();
		assertThat(FailSafe.isFallbackAt(LOADED, SETTINGS, 689_999)).isTrue();
		assertThat(FailSafe.isFallbackAt(LOADED, SETTINGS, 690_000)).isFalse();
		CacheSettings off = CacheSettings.from(SETTINGS).failSafeTtl(Duration.ZERO).build();
		assertThat(FailSafe.isFallbackAt(LOADED, off, 90_000)).isFalse();
	}

	@Test
	void aFallbackWrittenBackIsFreshForTheThrottleAndKeepsTheWindowOfItsLoad() {
		Envelope throttled = FailSafe.throttled(LOADED, SETTINGS, 100_000);
		assertThat(throttled).isEqualTo(new Envelope("v", 120_000, 90_000, 5));
		assertThat(FailSafe.keepFor(throttled, SETTINGS, 100_000)).isEqualTo(Duration.ofSeconds(590));
		// Served again and again, it never outlives the window its load opened.
		Envelope again = FailSafe.throttled(throttled, SETTINGS, 680_000);
		assertThat(again).isEqualTo(new Envelope("v", 690_000, 90_000, 5));
		assertThat(FailSafe.throttled(again, SETTINGS, 690_000)).isNull();
		assertThat(FailSafe.isFallbackAt(again, SETTINGS, 690_000)).isFalse();
	}

	@Test
	void aFreshValueWhoseEarlyRefreshFailedStaysFreshAsLongAsItWas() {
		assertThat(FailSafe.throttled(LOADED, SETTINGS, 10_000)).isEqualTo(LOADED);
	}

	@Test
	void onlyTheLoadersExceptionsAreAnsweredWithTheFallback() {
		assertThat(FailSafe.covers(new java.io.IOException("database down"))).isTrue();
		assertThat(FailSafe.covers(new IllegalStateException("database down"))).isTrue();
		assertThat(FailSafe.covers(new AssertionError("a bug"))).isFalse();
		assertThat(FailSafe.covers(new InterruptedException())).isFalse();
		assertThat(FailSafe.covers(new StampedeInterruptedException("stopped", null))).isFalse();
	}

}
