package dev.stampede;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A moving estimate of how long one call site's loads take, for the lease of a key
 * that carries no load time of its own (it was never stored, or the store dropped it).
 * Each load moves the estimate a quarter of the way towards it.
 */
final class LoadTimes {

	private final AtomicLong estimate = new AtomicLong(-1);

	void record(long loadMillis) {
		this.estimate.accumulateAndGet(Math.max(0, loadMillis),
				(current, latest) -> (current < 0) ? latest : current + (latest - current) / 4);
	}

	/** The estimate in milliseconds, or -1 before any load was recorded. */
	long estimateMillis() {
		return this.estimate.get();
	}

}
