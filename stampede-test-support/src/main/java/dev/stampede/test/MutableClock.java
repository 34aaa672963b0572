package dev.stampede.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The system clock, which a test moves forward to make values stale or expired without
 * waiting. Engines that share one see the same time, as engines on machines with
 * synchronised clocks do.
 */
public final class MutableClock extends Clock {

	private final AtomicLong offsetMillis = new AtomicLong();

	/** Moves the clock forward by {@code duration}. */
	public void advance(Duration duration) {
		this.offsetMillis.addAndGet(duration.toMillis());
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public long millis() {
		return System.currentTimeMillis() + this.offsetMillis.get();
	}

	@Override
	public Instant instant() {
		return Instant.ofEpochMilli(millis());
	}

}
