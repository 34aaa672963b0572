package dev.stampede;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WarningLimiterTest {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final WarningLimiter limiter = new WarningLimiter(this.now::get);

	@Test
	void oneRateLimitedWarningGoesOutPerInterval() {
		assertThat(this.limiter.mayWarn()).isTrue();
		assertThat(this.limiter.mayWarn()).isFalse();
		this.now.addAndGet(WarningLimiter.INTERVAL_NANOS - 1);
		assertThat(this.limiter.mayWarn()).isFalse();
		this.now.addAndGet(1);
		assertThat(this.limiter.mayWarn()).isTrue();
		assertThat(this.limiter.mayWarn()).isFalse();
	}

	@Test
	void eachKeyIsWarnedAboutOnce() {
		assertThat(this.limiter.firstFor("a")).isTrue();
		assertThat(this.limiter.firstFor("a")).isFalse();
		assertThat(this.limiter.firstFor("b")).isTrue();
	}

}
