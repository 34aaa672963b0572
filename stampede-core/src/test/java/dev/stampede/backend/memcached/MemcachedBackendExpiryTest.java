package dev.stampede.backend.memcached;

import java.time.Duration;

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

}
