package dev.stampede;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalTierTest {

	private final LocalTier tier = new LocalTier(Duration.ofMinutes(1), 100);

	private final Envelope old = new Envelope("old", Long.MAX_VALUE, Long.MAX_VALUE, 0);

	@Test
	void aValueReadBeforeAnEvictionIsNotKept() {
		long stamp = this.tier.stamp();
		this.tier.evict("key");
		this.tier.remember("key", this.old, stamp);
		assertThat(this.tier.get("key")).isNull();
	}

	@Test
	void aValueReadBeforeEvictingEverythingIsNotKept() {
		long stamp = this.tier.stamp();
		this.tier.evictAll();
		this.tier.remember("key", this.old, stamp);
		assertThat(this.tier.get("key")).isNull();
	}

	@Test
	void aValueReadAfterTheLastEvictionIsKept() {
		this.tier.evict("key");
		long stamp = this.tier.stamp();
		this.tier.remember("key", this.old, stamp);
		assertThat(this.tier.get("key")).isSameAs(this.old);
	}

}
