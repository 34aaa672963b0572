package dev.stampede;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one cache since the engine started, by {@link Outcome}. Cheap to
 * update from many threads at once.
 */
public final class CacheStats {

	private static final Outcome[] OUTCOMES = Outcome.values();

	private final LongAdder[] counts = new LongAdder[OUTCOMES.length];

	CacheStats() {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] = new LongAdder();
		}
	}

	void record(Outcome outcome) {
		this.counts[outcome.ordinal()].increment();
	}

	/** How many times {@code outcome} happened. */
	public long count(Outcome outcome) {
		return this.counts[outcome.ordinal()].sum();
	}

	/** Every counter, in {@link Outcome} order. */
	public Map<Outcome, Long> snapshot() {
		Map<Outcome, Long> snapshot = new EnumMap<>(Outcome.class);
		for (Outcome outcome : OUTCOMES) {
			snapshot.put(outcome, count(outcome));
		}
		return snapshot;
	}

}
