package dev.stampede.backend.memcached;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MemcachedBackendExpiryTest {

	@Test
	void durationsAreRoundedUpToWholeSeconds() {
		assertThat(MemcachedBackend.expiry(Duration.ofMillis(200))).isEqualTo(1);
		assertThat(MemcachedBackend.expiry(Duration.ofMillis(1500))).isEqualTo(2);
		assertThat(MemcachedBackend.expiry(Duration.ofSeconds(30))).isEqualTo(30);
	}

	@Test
	void durationsBeyondThirtyDaysBecomeUnixTimestamps() {
		long now = System.currentTimeMillis() / 1000;
		assertThat(MemcachedBackend.expiry(Duration.ofDays(30))).isEqualTo(Duration.ofDays(30).toSeconds());
		assertThat((long) MemcachedBackend.expiry(Duration.ofDays(31))).isBetween(now + Duration.ofDays(31).toSeconds(),
				now + Duration.ofDays(31).toSeconds() + 5);
	}

	@Test
	void durationsReachingPast2038AreClampedToTheLastSecondMemcachedCanExpress() {
		assertThat(MemcachedBackend.expiry(Duration.ofDays(365 * 20))).isEqualTo(Integer.MAX_VALUE);
		assertThat(MemcachedBackend.expiry(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)))
			.isEqualTo(Integer.MAX_VALUE);
		assertThat(MemcachedBackend.expiry(ChronoUnit.FOREVER.getDuration())).isEqualTo(Integer.MAX_VALUE);
	}

	@Test
	void anExpiryJustBeforeTheEndOf32BitTimeIsKeptExactly() {
		long now = System.currentTimeMillis() / 1000;
		Duration ttl = Duration.ofSeconds(Integer.MAX_VALUE - now - 10);
		assertThat((long) MemcachedBackend.expiry(ttl)).isBetween(Integer.MAX_VALUE - 10L, Integer.MAX_VALUE - 5L);
	}

	@Test
	void zeroAndNegativeDurationsExpireAfterOneSecondRatherThanNever() {
		assertThat(MemcachedBackend.expiry(Duration.ZERO)).isEqualTo(1);
		assertThat(MemcachedBackend.expiry(Duration.ofSeconds(-5))).isEqualTo(1);
	}

}
