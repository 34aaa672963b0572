package dev.stampede;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one cache since the engine started, by {@link Outcome}, and the leases
 * this JVM holds on it now. Cheap to update from many threads at once.
 */
public final class CacheStats {

	private static final Outcome[] OUTCOMES = Outcome.values();

	private static final UnreadableReason[] REASONS = UnreadableReason.values();

	private final LongAdder[] counts = new LongAdder[OUTCOMES.length];

	private final LongAdder[] unreadable = new LongAdder[REASONS.length];

	private final Set<String> heldLeases = ConcurrentHashMap.newKeySet();

	CacheStats() {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] = new LongAdder();
		}
		for (int i = 0; i < this.unreadable.length; i++) {
			this.unreadable[i] = new LongAdder();
		}
	}

	void record(Outcome outcome) {
		this.counts[outcome.ordinal()].increment();
	}

	/** How many times {@code outcome} happened. */
	public long count(Outcome outcome) {
		return this.counts[outcome.ordinal()].sum();
	}

	void record(UnreadableReason reason) {
		this.unreadable[reason.ordinal()].increment();
	}

	/** How many calls found data they could not use for {@code reason}: the parts of {@link Outcome#UNREADABLE}. */
	public long count(UnreadableReason reason) {
		return this.unreadable[reason.ordinal()].sum();
	}

	void leaseTaken(String key) {
		this.heldLeases.add(key);
	}

	void leaseEnded(String key) {
		this.heldLeases.remove(key);
	}

	/** How many leases and refresh leases of this cache this JVM holds now. */
	public int leasesHeld() {
		return this.heldLeases.size();
	}

	/** Keys of up to {@code limit} leases this JVM holds now. */
	public List<String> heldLeaseKeys(int limit) {
		return this.heldLeases.stream().sorted().limit(limit).toList();
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
