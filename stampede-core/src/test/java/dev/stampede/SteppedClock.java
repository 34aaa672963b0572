package dev.stampede;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** Wall-clock time that a test moves forward, on top of the real clock. */
final class SteppedClock extends Clock {

	private final AtomicLong offsetMillis = new AtomicLong();

	void advance(Duration duration) {
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
