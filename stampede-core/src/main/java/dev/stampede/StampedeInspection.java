package dev.stampede;

import java.util.List;
import java.util.Set;

import dev.stampede.backend.StampedeBackend;

/**
 * A read-only view of an engine, for the actuator, metrics and health: its caches,
 * their settings, call sites and counters, and what it is doing right now.
 */
public final class StampedeInspection {

	private final StampedeBackend backend;

	private final CallSites callSites;

	private final Flights flights;

	private final Waiters waiters;

	private final CacheKeys keys;

	private final Generations generations;

	private final DegradedTier degraded;

	StampedeInspection(StampedeBackend backend, CallSites callSites, Flights flights, Waiters waiters,
			CacheKeys keys, Generations generations, DegradedTier degraded) {
		this.degraded = degraded;
		this.backend = backend;
		this.callSites = callSites;
		this.flights = flights;
		this.waiters = waiters;
		this.keys = keys;
		this.generations = generations;
	}

	/**
	 * Whether the engine is degraded: the backend failed, and has not answered a read
	 * since; values loaded meanwhile are answered from this JVM.
	 */
	public boolean isDegraded() {
		return this.degraded.isDegraded();
	}

	/** How many values loaded while the backend failed this JVM keeps now. */
	public long degradedValueCount() {
		return this.degraded.size();
	}

	/** The backend the engine uses. */
	public StampedeBackend backend() {
		return this.backend;
	}

	/** Names of the caches the engine has served or been configured with. */
	public Set<String> cacheNames() {
		return this.callSites.cacheNames();
	}

	/** Effective settings of {@code cache} for calls that do not override any: configuration over defaults. */
	public CacheSettings settings(String cache) {
		return this.callSites.settings(cache);
	}

	/** The call sites of {@code cache} resolved so far, with their effective settings. */
	public List<CallSite> callSites(String cache) {
		return this.callSites.of(cache);
	}

	/** Counters of {@code cache} since the engine started. */
	public CacheStats stats(String cache) {
		return this.callSites.stats(cache);
	}

	/** Number of keys being resolved in this JVM right now. */
	public int inFlightCount() {
		return this.flights.size();
	}

	/**
	 * Number of keys whose resolution in this JVM waits right now for a lease that
	 * another caller holds, in this JVM or another.
	 */
	public int waitingCount() {
		return this.waiters.size();
	}

	/** Up to {@code limit} backend keys of {@code cache} being resolved in this JVM right now. */
	public List<String> inFlightKeys(String cache, int limit) {
		return this.flights.keys(this.keys.cachePrefix(cache), limit);
	}

	/** The key under which {@code key} of {@code cache} is stored in the backend now. */
	public String backendKey(String cache, Object key) {
		return this.keys.backendKey(this.generations.prefix(cache), CacheKeys.stringForm(key));
	}

}
