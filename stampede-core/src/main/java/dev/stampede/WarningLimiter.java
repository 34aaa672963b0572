package dev.stampede;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Keeps warnings that every call could raise from flooding the log: a failing
 * backend warns at most once per interval (the rest go to debug), and bad data under
 * a key warns once per key.
 */
final class WarningLimiter {

	static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final LongSupplier nanoTime;

	private final AtomicLong lastWarning;

	// Bounded, so that a flood of distinct bad keys cannot grow it without limit.
	private final Cache<String, Boolean> warnedKeys = Caffeine.newBuilder()
		.executor(Runnable::run)
		.maximumSize(10_000)
		.build();

	WarningLimiter() {
		this(System::nanoTime);
	}

	WarningLimiter(LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
		this.lastWarning = new AtomicLong(nanoTime.getAsLong() - INTERVAL_NANOS);
	}

	/** Whether a warning of the rate-limited kind may go out now; at most one per interval does. */
	boolean mayWarn() {
		long now = this.nanoTime.getAsLong();
		long last = this.lastWarning.get();
		return now - last >= INTERVAL_NANOS && this.lastWarning.compareAndSet(last, now);
	}

	/** Whether this is the first warning about {@code key}. */
	boolean firstFor(String key) {
		return this.warnedKeys.asMap().putIfAbsent(key, Boolean.TRUE) == null;
	}

}
