package dev.stampede;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one cache since the engine started: calls by {@link Outcome}, which add
 * up to the calls made, and events by {@link CacheEvent}; and the leases this JVM
 * holds on it now. Cheap to update from many threads at once.
 */
public final class CacheStats {

	private static final CacheEvent[] EVENTS = CacheEvent.values();

	private static final Outcome[] OUTCOMES = Outcome.values();

	private static final UnreadableReason[] REASONS = UnreadableReason.values();

	private final LongAdder[] counts = new LongAdder[EVENTS.length];

	private final LongAdder[] calls = new LongAdder[OUTCOMES.length];

	private final LongAdder[] unreadable = new LongAdder[REASONS.length];

	// A call answered from this JVM's memory is both an event and a hit: one increment on
	// the hit path stands for both, and is read into each.
	private final LongAdder backendHits = new LongAdder();

	private final LongAdder localTierHits = new LongAdder();

	private final Set<String> heldLeases = ConcurrentHashMap.newKeySet();

	CacheStats() {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] = new LongAdder();
		}
		for (int i = 0; i < this.calls.length; i++) {
			this.calls[i] = new LongAdder();
		}
		for (int i = 0; i < this.unreadable.length; i++) {
			this.unreadable[i] = new LongAdder();
		}
	}

	void called(Outcome outcome) {
		this.calls[outcome.ordinal()].increment();
	}

	/** A call answered at once by an in-process backend: a {@link CacheEvent#HIT} and a {@link Outcome#HIT}. */
	void calledInProcessHit() {
		this.backendHits.increment();
	}

	/** A call answered at once by the local tier: a {@link CacheEvent#LOCAL_HIT} and a {@link Outcome#HIT}. */
	void calledLocalTierHit() {
		this.localTierHits.increment();
	}

	/** How many calls ended with {@code outcome}. */
	public long calls(Outcome outcome) {
		long calls = this.calls[outcome.ordinal()].sum();
		return (outcome == Outcome.HIT) ? calls + this.backendHits.sum() + this.localTierHits.sum() : calls;
	}

	/** Every call counter, in {@link Outcome} order. */
	public Map<Outcome, Long> callSnapshot() {
		Map<Outcome, Long> snapshot = new EnumMap<>(Outcome.class);
		for (Outcome outcome : OUTCOMES) {
			snapshot.put(outcome, calls(outcome));
		}
		return snapshot;
	}

	void record(CacheEvent event) {
		this.counts[event.ordinal()].increment();
	}

	/** How many times {@code event} happened. */
	public long count(CacheEvent event) {
		long count = this.counts[event.ordinal()].sum();
		return switch (event) {
			case HIT -> count + this.backendHits.sum();
			case LOCAL_HIT -> count + this.localTierHits.sum();
			default -> count;
		};
	}

	void record(UnreadableReason reason) {
		this.unreadable[reason.ordinal()].increment();
	}

	/** How many calls found data they could not use for {@code reason}: the parts of {@link CacheEvent#UNREADABLE}. */
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

	/** Every event counter, in {@link CacheEvent} order. */
	public Map<CacheEvent, Long> snapshot() {
		Map<CacheEvent, Long> snapshot = new EnumMap<>(CacheEvent.class);
		for (CacheEvent event : EVENTS) {
			snapshot.put(event, count(event));
		}
		return snapshot;
	}

}
