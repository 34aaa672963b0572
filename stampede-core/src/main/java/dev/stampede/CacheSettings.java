package dev.stampede;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Effective settings of one cache, after defaults, annotation attributes and
 * per-cache configuration have been layered. Built by naming only what differs from
 * {@link #DEFAULTS} or from other settings:
 * <pre>{@code
 * CacheSettings products = CacheSettings.builder().ttl(Duration.ofSeconds(30)).staleTtl(Duration.ofMinutes(10))
 *     .build();
 * CacheSettings noNulls = CacheSettings.from(products).cacheNulls(false).build();
 * }</pre>
 * A value that cannot work is rejected when the settings are built, with an
 * {@link InvalidSettingException} that names the setting as its configuration key
 * does, such as {@code lease-ttl}.
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
 * @param failSafeTtl after {@code ttl} and {@code staleTtl}, how much longer a value is kept
 * as the fallback of a load that fails or passes {@code hardTimeout}; zero turns fail-safe off
 * @param failSafeThrottle how long a fallback served after a failed load stays fresh, so
 * that the next load is attempted only after it, once for every JVM
 * @param softTimeout how long the callers of a load that has a fallback (a stale value, or a
 * fail-safe one) wait for it before they get the fallback, the load going on in the
 * background; zero turns it off
 * @param hardTimeout how long the callers of any load wait for it: then they get the
 * fallback, or a {@link StampedeTimeoutException} when there is none, and the load goes on
 * in the background; zero turns it off
 */
public record CacheSettings(Duration ttl, Duration leaseTtl, Duration maxWait, Backoff backoff, boolean cacheNulls,
		FailurePolicy onBackendFailure, FailurePolicy onWaitTimeout, Duration localTtl, long localMaxSize,
		Duration staleTtl, RefreshMode refresh, double earlyRefreshBeta, Duration failSafeTtl,
		Duration failSafeThrottle, Duration softTimeout, Duration hardTimeout) {

	/** Settings of a cache that nothing overrides: those a new {@link Builder} starts from. */
	public static final CacheSettings DEFAULTS = new Builder().build();

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
		Settings.requireNotNegative("fail-safe-ttl", failSafeTtl);
		Settings.requirePositive("fail-safe-throttle", failSafeThrottle);
		Settings.requireNotNegative("soft-timeout", softTimeout);
		Settings.requireNotNegative("hard-timeout", hardTimeout);
		if (!softTimeout.isZero() && !hardTimeout.isZero() && hardTimeout.compareTo(softTimeout) <= 0) {
			throw new InvalidSettingException("hard-timeout", "must be longer than soft-timeout ("
					+ softTimeout.toMillis() + " ms) when both are set, was " + hardTimeout.toMillis() + " ms: callers "
					+ "would never wait for the load past soft-timeout; raise hard-timeout or lower soft-timeout");
		}
		requireShorterThanLease("soft-timeout", softTimeout, leaseTtl);
		requireShorterThanLease("hard-timeout", hardTimeout, leaseTtl);
	}

	// A load still running when its lease ends cannot store its value, and another caller
	// loads meanwhile: the background completion a timeout promises would be lost.
	private static void requireShorterThanLease(String setting, Duration timeout, Duration leaseTtl) {
		if (!timeout.isZero() && timeout.compareTo(leaseTtl) >= 0) {
			throw new InvalidSettingException(setting, "must be shorter than lease-ttl (" + leaseTtl.toMillis()
					+ " ms), was " + timeout.toMillis() + " ms: a load that outlives its lease cannot store its value, "
					+ "so the load that goes on after the timeout would be lost; raise lease-ttl above the longest "
					+ "load you expect, or lower " + setting);
		}
	}

	/** Starts settings from {@link #DEFAULTS}. */
	public static Builder builder() {
		return new Builder();
	}

	/** Starts settings from {@code base}, to change some of them. */
	public static Builder from(CacheSettings base) {
		return new Builder(base);
	}

	/**
	 * How long the backend keeps a value: while it is fresh, while it may be served stale,
	 * and while it is kept as a fail-safe fallback.
	 */
	public Duration storageTtl() {
		return this.ttl.plus(this.staleTtl).plus(this.failSafeTtl);
	}

	/** Whether values of this cache are kept in a local tier in front of the backend. */
	public boolean hasLocalTier() {
		return !this.localTtl.isZero();
	}

	/**
	 * Returns these settings with every value that {@code overrides} sets in place of
	 * its own.
	 * @throws InvalidSettingException if the result cannot work
	 */
	public CacheSettings with(@Nullable Overrides overrides) {
		if (overrides == null || overrides.equals(Overrides.NONE)) {
			return this;
		}
		return from(this).apply(overrides).build();
	}

	/**
	 * Builds {@link CacheSettings}, each value starting at its default or at the base
	 * it was created from. Values are checked by {@link #build()}.
	 */
	public static final class Builder {

		// The defaults of every cache, written here and nowhere else: DEFAULTS is a builder left as it is.
		private Duration ttl = Duration.ofMinutes(5);

		private Duration leaseTtl = Duration.ofSeconds(10);

		private Duration maxWait = Duration.ofSeconds(5);

		private Duration backoffInitial = Duration.ofMillis(5);

		private Duration backoffMax = Duration.ofMillis(200);

		private double backoffMultiplier = 2.0;

		private double backoffJitter = 0.5;

		private boolean cacheNulls = true;

		private FailurePolicy onBackendFailure = FailurePolicy.CALL_THROUGH;

		private FailurePolicy onWaitTimeout = FailurePolicy.CALL_THROUGH;

		private Duration localTtl = Duration.ZERO;

		private long localMaxSize = 10_000;

		private Duration staleTtl = Duration.ZERO;

		private RefreshMode refresh = RefreshMode.INLINE;

		private double earlyRefreshBeta;

		private Duration failSafeTtl = Duration.ZERO;

		// As long as a database blip usually lasts, independent of ttl: a ttl of hours would
		// keep serving the fallback long after the database is back, one of a second would
		// retry the failing database every second.
		private Duration failSafeThrottle = Duration.ofSeconds(30);

		private Duration softTimeout = Duration.ZERO;

		private Duration hardTimeout = Duration.ZERO;

		private Builder() {
		}

		private Builder(CacheSettings base) {
			this.ttl = base.ttl;
			this.leaseTtl = base.leaseTtl;
			this.maxWait = base.maxWait;
			backoff(base.backoff);
			this.cacheNulls = base.cacheNulls;
			this.onBackendFailure = base.onBackendFailure;
			this.onWaitTimeout = base.onWaitTimeout;
			this.localTtl = base.localTtl;
			this.localMaxSize = base.localMaxSize;
			this.staleTtl = base.staleTtl;
			this.refresh = base.refresh;
			this.earlyRefreshBeta = base.earlyRefreshBeta;
			this.failSafeTtl = base.failSafeTtl;
			this.failSafeThrottle = base.failSafeThrottle;
			this.softTimeout = base.softTimeout;
			this.hardTimeout = base.hardTimeout;
		}

		/** How long a stored value is fresh; longer than 0. */
		public Builder ttl(Duration ttl) {
			this.ttl = ttl;
			return this;
		}

		/** How long a lease lives if its holder dies without releasing it; longer than 0. */
		public Builder leaseTtl(Duration leaseTtl) {
			this.leaseTtl = leaseTtl;
			return this;
		}

		/** How long a caller that lost the lease waits for the winner's value. */
		public Builder maxWait(Duration maxWait) {
			this.maxWait = maxWait;
			return this;
		}

		/** Every value of the backoff at once. */
		public Builder backoff(Backoff backoff) {
			this.backoffInitial = backoff.initial();
			this.backoffMax = backoff.max();
			this.backoffMultiplier = backoff.multiplier();
			this.backoffJitter = backoff.jitter();
			return this;
		}

		/** First pause of a waiting caller between two reads. */
		public Builder backoffInitial(Duration initial) {
			this.backoffInitial = initial;
			return this;
		}

		/** Longest pause of a waiting caller between two reads; not shorter than the first. */
		public Builder backoffMax(Duration max) {
			this.backoffMax = max;
			return this;
		}

		/** Growth of the pause from one read to the next, at least 1. */
		public Builder backoffMultiplier(double multiplier) {
			this.backoffMultiplier = multiplier;
			return this;
		}

		/** Fraction of each pause that is randomised, from 0 to 1. */
		public Builder backoffJitter(double jitter) {
			this.backoffJitter = jitter;
			return this;
		}

		/** Whether a {@code null} result is cached like any other value. */
		public Builder cacheNulls(boolean cacheNulls) {
			this.cacheNulls = cacheNulls;
			return this;
		}

		/** What a call does when the backend fails. */
		public Builder onBackendFailure(FailurePolicy onBackendFailure) {
			this.onBackendFailure = onBackendFailure;
			return this;
		}

		/** What a call does when the wait for another caller's value runs out. */
		public Builder onWaitTimeout(FailurePolicy onWaitTimeout) {
			this.onWaitTimeout = onWaitTimeout;
			return this;
		}

		/** How long a value stays in this JVM's local tier; zero turns the local tier off. */
		public Builder localTtl(Duration localTtl) {
			this.localTtl = localTtl;
			return this;
		}

		/** Most keys of the cache the local tier keeps, at least 1. */
		public Builder localMaxSize(long localMaxSize) {
			this.localMaxSize = localMaxSize;
			return this;
		}

		/** After the ttl, how much longer a value may be served stale; zero turns stale serving off. */
		public Builder staleTtl(Duration staleTtl) {
			this.staleTtl = staleTtl;
			return this;
		}

		/** Who pays for a refresh: the caller that wins its lease, or a background thread. */
		public Builder refresh(RefreshMode refresh) {
			this.refresh = refresh;
			return this;
		}

		/** How eagerly a fresh value is refreshed before it expires, from 0 (off) to 100. */
		public Builder earlyRefreshBeta(double earlyRefreshBeta) {
			this.earlyRefreshBeta = earlyRefreshBeta;
			return this;
		}

		/**
		 * After the ttl and the stale-ttl, how much longer a value is kept as the fallback
		 * of a load that fails; zero turns fail-safe off.
		 */
		public Builder failSafeTtl(Duration failSafeTtl) {
			this.failSafeTtl = failSafeTtl;
			return this;
		}

		/** How long a fallback served after a failed load stays fresh; longer than 0. */
		public Builder failSafeThrottle(Duration failSafeThrottle) {
			this.failSafeThrottle = failSafeThrottle;
			return this;
		}

		/**
		 * How long callers wait for a load that has a fallback before they get the fallback;
		 * zero turns it off. Shorter than the lease-ttl and the hard-timeout.
		 */
		public Builder softTimeout(Duration softTimeout) {
			this.softTimeout = softTimeout;
			return this;
		}

		/**
		 * How long callers wait for any load before they get the fallback or a
		 * {@link StampedeTimeoutException}; zero turns it off. Shorter than the lease-ttl.
		 */
		public Builder hardTimeout(Duration hardTimeout) {
			this.hardTimeout = hardTimeout;
			return this;
		}

		/**
		 * Checks the values and returns the settings.
		 * @throws InvalidSettingException naming the first setting that cannot work
		 */
		public CacheSettings build() {
			Backoff backoff = new Backoff(this.backoffInitial, this.backoffMax, this.backoffMultiplier,
					this.backoffJitter);
			return new CacheSettings(this.ttl, this.leaseTtl, this.maxWait, backoff, this.cacheNulls,
					this.onBackendFailure, this.onWaitTimeout, this.localTtl, this.localMaxSize, this.staleTtl,
					this.refresh, this.earlyRefreshBeta, this.failSafeTtl, this.failSafeThrottle, this.softTimeout,
					this.hardTimeout);
		}

		private Builder apply(Overrides overrides) {
			set(overrides.ttl(), this::ttl);
			set(overrides.leaseTtl(), this::leaseTtl);
			set(overrides.maxWait(), this::maxWait);
			set(overrides.backoffInitial(), this::backoffInitial);
			set(overrides.backoffMax(), this::backoffMax);
			set(overrides.backoffMultiplier(), this::backoffMultiplier);
			set(overrides.backoffJitter(), this::backoffJitter);
			set(overrides.cacheNulls(), this::cacheNulls);
			set(overrides.onBackendFailure(), this::onBackendFailure);
			set(overrides.onWaitTimeout(), this::onWaitTimeout);
			set(overrides.localTtl(), this::localTtl);
			set(overrides.localMaxSize(), this::localMaxSize);
			set(overrides.staleTtl(), this::staleTtl);
			set(overrides.refresh(), this::refresh);
			set(overrides.earlyRefreshBeta(), this::earlyRefreshBeta);
			set(overrides.failSafeTtl(), this::failSafeTtl);
			set(overrides.failSafeThrottle(), this::failSafeThrottle);
			set(overrides.softTimeout(), this::softTimeout);
			set(overrides.hardTimeout(), this::hardTimeout);
			return this;
		}

		private static <T> void set(@Nullable T value, Consumer<T> setter) {
			if (value != null) {
				setter.accept(value);
			}
		}

	}

	/**
	 * Some settings of a cache, to be laid over others: by a call site (an
	 * annotation's attributes) or by configuration for one cache. A setting left
	 * {@code null} leaves the underlying value in place. Each component means what the
	 * {@link CacheSettings} component of the same name means.
	 * <pre>{@code
	 * Overrides annotation = Overrides.builder().ttl(Duration.ofSeconds(30)).build();
	 * }</pre>
	 */
	public record Overrides(@Nullable Duration ttl, @Nullable Duration leaseTtl, @Nullable Duration maxWait,
			@Nullable Duration backoffInitial, @Nullable Duration backoffMax, @Nullable Double backoffMultiplier,
			@Nullable Double backoffJitter, @Nullable Boolean cacheNulls, @Nullable FailurePolicy onBackendFailure,
			@Nullable FailurePolicy onWaitTimeout, @Nullable Duration localTtl, @Nullable Long localMaxSize,
			@Nullable Duration staleTtl, @Nullable RefreshMode refresh, @Nullable Double earlyRefreshBeta,
			@Nullable Duration failSafeTtl, @Nullable Duration failSafeThrottle, @Nullable Duration softTimeout,
			@Nullable Duration hardTimeout) {

		/** Overrides nothing. */
		public static final Overrides NONE = builder().build();

		/**
		 * The settings these overrides set, named as their configuration keys are below
		 * {@code stampede.defaults.}, such as {@code lease-ttl} or {@code backoff.max}.
		 */
		public Set<String> names() {
			Set<String> names = new TreeSet<>();
			for (RecordComponent component : Overrides.class.getRecordComponents()) {
				Object value;
				try {
					value = component.getAccessor().invoke(this);
				}
				catch (ReflectiveOperationException ex) {
					throw new IllegalStateException(ex);
				}
				if (value != null) {
					names.add(configurationKey(component.getName()));
				}
			}
			return names;
		}

		private static String configurationKey(String component) {
			String kebab = component.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
			return kebab.startsWith("backoff-") ? "backoff." + kebab.substring("backoff-".length()) : kebab;
		}

		/** Starts overrides that override nothing yet. */
		public static Builder builder() {
			return new Builder();
		}

		/**
		 * Builds {@link Overrides}. Every setter takes {@code null} for "not set", so
		 * that optional values, such as an annotation attribute left empty, pass straight
		 * through. A setter and the {@link CacheSettings.Builder} setter of the same name
		 * set the same thing.
		 */
		public static final class Builder {

			private @Nullable Duration ttl;

			private @Nullable Duration leaseTtl;

			private @Nullable Duration maxWait;

			private @Nullable Duration backoffInitial;

			private @Nullable Duration backoffMax;

			private @Nullable Double backoffMultiplier;

			private @Nullable Double backoffJitter;

			private @Nullable Boolean cacheNulls;

			private @Nullable FailurePolicy onBackendFailure;

			private @Nullable FailurePolicy onWaitTimeout;

			private @Nullable Duration localTtl;

			private @Nullable Long localMaxSize;

			private @Nullable Duration staleTtl;

			private @Nullable RefreshMode refresh;

			private @Nullable Double earlyRefreshBeta;

			private @Nullable Duration failSafeTtl;

			private @Nullable Duration failSafeThrottle;

			private @Nullable Duration softTimeout;

			private @Nullable Duration hardTimeout;

			private Builder() {
			}

			public Builder ttl(@Nullable Duration ttl) {
				this.ttl = ttl;
				return this;
			}

			public Builder leaseTtl(@Nullable Duration leaseTtl) {
				this.leaseTtl = leaseTtl;
				return this;
			}

			public Builder maxWait(@Nullable Duration maxWait) {
				this.maxWait = maxWait;
				return this;
			}

			public Builder backoffInitial(@Nullable Duration initial) {
				this.backoffInitial = initial;
				return this;
			}

			public Builder backoffMax(@Nullable Duration max) {
				this.backoffMax = max;
				return this;
			}

			public Builder backoffMultiplier(@Nullable Double multiplier) {
				this.backoffMultiplier = multiplier;
				return this;
			}

			public Builder backoffJitter(@Nullable Double jitter) {
				this.backoffJitter = jitter;
				return this;
			}

			public Builder cacheNulls(@Nullable Boolean cacheNulls) {
				this.cacheNulls = cacheNulls;
				return this;
			}

			public Builder onBackendFailure(@Nullable FailurePolicy onBackendFailure) {
				this.onBackendFailure = onBackendFailure;
				return this;
			}

			public Builder onWaitTimeout(@Nullable FailurePolicy onWaitTimeout) {
				this.onWaitTimeout = onWaitTimeout;
				return this;
			}

			public Builder localTtl(@Nullable Duration localTtl) {
				this.localTtl = localTtl;
				return this;
			}

			public Builder localMaxSize(@Nullable Long localMaxSize) {
				this.localMaxSize = localMaxSize;
				return this;
			}

			public Builder staleTtl(@Nullable Duration staleTtl) {
				this.staleTtl = staleTtl;
				return this;
			}

			public Builder refresh(@Nullable RefreshMode refresh) {
				this.refresh = refresh;
				return this;
			}

			public Builder earlyRefreshBeta(@Nullable Double earlyRefreshBeta) {
				this.earlyRefreshBeta = earlyRefreshBeta;
				return this;
			}

			public Builder failSafeTtl(@Nullable Duration failSafeTtl) {
				this.failSafeTtl = failSafeTtl;
				return this;
			}

			public Builder failSafeThrottle(@Nullable Duration failSafeThrottle) {
				this.failSafeThrottle = failSafeThrottle;
				return this;
			}

			public Builder softTimeout(@Nullable Duration softTimeout) {
				this.softTimeout = softTimeout;
				return this;
			}

			public Builder hardTimeout(@Nullable Duration hardTimeout) {
				this.hardTimeout = hardTimeout;
				return this;
			}

			public Overrides build() {
				return new Overrides(this.ttl, this.leaseTtl, this.maxWait, this.backoffInitial, this.backoffMax,
						this.backoffMultiplier, this.backoffJitter, this.cacheNulls, this.onBackendFailure,
						this.onWaitTimeout, this.localTtl, this.localMaxSize, this.staleTtl, this.refresh,
						this.earlyRefreshBeta, this.failSafeTtl, this.failSafeThrottle, this.softTimeout,
						this.hardTimeout);
			}

		}

	}

}
