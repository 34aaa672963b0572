package dev.stampede;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Effective settings of one cache, after defaults, annotation attributes and
 * per-cache configuration have been layered.
 *
 * @param ttl how long a stored value is fresh
 * @param leaseTtl how long a lease lives if its holder dies without releasing it
 * @param maxWait how long a caller that lost the lease waits for the winner's value
 * @param backoff how a waiting caller spaces its reads
 * @param cacheNulls whether a {@code null} result is cached like any other value
 * @param onBackendFailure what a call does when the backend fails
 * @param onWaitTimeout what a call does when {@code maxWait} runs out
 * @param localTtl how long a value stays in this JVM's local tier in front of the
 * backend; zero turns the local tier off
 * @param localMaxSize most keys of this cache the local tier keeps
 * @param staleTtl after {@code ttl}, how much longer a value may be served stale while
 * one caller refreshes it; zero turns stale serving off
 * @param refresh who pays for a refresh: the caller that wins its lease, or a background thread
 * @param earlyRefreshBeta how eagerly a fresh value is refreshed before it expires
 * (probabilistic early expiration); 0 turns it off, 1 is the usual choice
 */
public record CacheSettings(Duration ttl, Duration leaseTtl, Duration maxWait, Backoff backoff, boolean cacheNulls,
		FailurePolicy onBackendFailure, FailurePolicy onWaitTimeout, Duration localTtl, long localMaxSize,
		Duration staleTtl, RefreshMode refresh, double earlyRefreshBeta) {

	/** Defaults: 5 minutes fresh, 10 s leases, 5 s waits, 5 ms to 200 ms backoff, no local tier, no stale serving. */
	public static final CacheSettings DEFAULTS = new CacheSettings(Duration.ofMinutes(5), Duration.ofSeconds(10),
			Duration.ofSeconds(5), new Backoff(Duration.ofMillis(5), Duration.ofMillis(200), 2.0, 0.5), true,
			FailurePolicy.CALL_THROUGH, FailurePolicy.CALL_THROUGH, Duration.ZERO, 10_000, Duration.ZERO,
			RefreshMode.INLINE, 0);

	public CacheSettings {
		Settings.requirePositive("ttl", ttl);
		Settings.requirePositive("lease-ttl", leaseTtl);
		Settings.requireNotNegative("max-wait", maxWait);
		Settings.require("backoff", backoff);
		Settings.require("on-backend-failure", onBackendFailure);
		Settings.require("on-wait-timeout", onWaitTimeout);
		Settings.requireNotNegative("local-ttl", localTtl);
		if (localMaxSize < 1) {
			throw new InvalidSettingException("local-max-size", "must be at least 1, was " + localMaxSize);
		}
		Settings.requireNotNegative("stale-ttl", staleTtl);
		Settings.require("refresh", refresh);
		if (!(earlyRefreshBeta >= 0 && earlyRefreshBeta <= 100)) {
			throw new InvalidSettingException("early-refresh-beta",
					"must be between 0 (off) and 100; 1.0 is the usual choice, was " + earlyRefreshBeta);
		}
	}

	/** How long the backend keeps a value: while it is fresh, and while it may be served stale. */
	public Duration storageTtl() {
		return this.ttl.plus(this.staleTtl);
	}

	/** Whether values of this cache are kept in a local tier in front of the backend. */
	public boolean hasLocalTier() {
		return !this.localTtl.isZero();
	}

	/**
	 * Returns these settings with every non-null value of {@code overrides} in place of
	 * its own.
	 */
	public CacheSettings with(@Nullable Overrides overrides) {
		if (overrides == null) {
			return this;
		}
		Backoff b = this.backoff;
		Backoff backoff = new Backoff(or(overrides.backoffInitial(), b.initial()), or(overrides.backoffMax(), b.max()),
				or(overrides.backoffMultiplier(), b.multiplier()), or(overrides.backoffJitter(), b.jitter()));
		return new CacheSettings(or(overrides.ttl(), this.ttl), or(overrides.leaseTtl(), this.leaseTtl),
				or(overrides.maxWait(), this.maxWait), backoff, or(overrides.cacheNulls(), this.cacheNulls),
				or(overrides.onBackendFailure(), this.onBackendFailure),
				or(overrides.onWaitTimeout(), this.onWaitTimeout), or(overrides.localTtl(), this.localTtl),
				or(overrides.localMaxSize(), this.localMaxSize), or(overrides.staleTtl(), this.staleTtl),
				or(overrides.refresh(), this.refresh), or(overrides.earlyRefreshBeta(), this.earlyRefreshBeta));
	}

	private static <T> T or(@Nullable T value, T fallback) {
		return (value != null) ? value : fallback;
	}

	/**
	 * A partial set of settings: {@code null} leaves the underlying value in place.
	 */
	public record Overrides(@Nullable Duration ttl, @Nullable Duration leaseTtl, @Nullable Duration maxWait,
			@Nullable Duration backoffInitial, @Nullable Duration backoffMax, @Nullable Double backoffMultiplier,
			@Nullable Double backoffJitter, @Nullable Boolean cacheNulls, @Nullable FailurePolicy onBackendFailure,
			@Nullable FailurePolicy onWaitTimeout, @Nullable Duration localTtl, @Nullable Long localMaxSize,
			@Nullable Duration staleTtl, @Nullable RefreshMode refresh, @Nullable Double earlyRefreshBeta) {

		/** Overrides nothing. */
		public static final Overrides NONE = new Overrides(null, null, null, null, null, null, null, null, null,
				null, null, null, null, null, null);

		/** Overrides of the durations an annotation can carry. */
		public static Overrides durations(@Nullable Duration ttl, @Nullable Duration staleTtl,
				@Nullable Duration leaseTtl, @Nullable Duration maxWait) {
			return new Overrides(ttl, leaseTtl, maxWait, null, null, null, null, null, null, null, null, null,
					staleTtl, null, null);
		}

	}

}
