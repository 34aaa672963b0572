package dev.stampede;

import java.time.Duration;
import java.util.Objects;
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
 */
public final class CacheSettings {

	/** Settings of a cache that nothing overrides: those a new {@link Builder} starts from. */
	public static final CacheSettings DEFAULTS = new Builder().build();

	private final Duration ttl;

	private final Duration leaseTtl;

	private final Duration maxWait;

	private final Backoff backoff;

	private final boolean cacheNulls;

	private final FailurePolicy onBackendFailure;

	private final FailurePolicy onWaitTimeout;

	private final Duration localTtl;

	private final long localMaxSize;

	private final Duration staleTtl;

	private final RefreshMode refresh;

	private final double earlyRefreshBeta;

	private CacheSettings(Builder builder) {
		this.backoff = new Backoff(builder.backoffInitial, builder.backoffMax, builder.backoffMultiplier,
				builder.backoffJitter);
		this.ttl = Settings.requirePositive("ttl", builder.ttl);
		this.leaseTtl = Settings.requirePositive("lease-ttl", builder.leaseTtl);
		this.maxWait = Settings.requireNotNegative("max-wait", builder.maxWait);
		this.cacheNulls = builder.cacheNulls;
		this.onBackendFailure = Settings.require("on-backend-failure", builder.onBackendFailure);
		this.onWaitTimeout = Settings.require("on-wait-timeout", builder.onWaitTimeout);
		this.localTtl = Settings.requireNotNegative("local-ttl", builder.localTtl);
		if (builder.localMaxSize < 1) {
			throw new InvalidSettingException("local-max-size", "must be at least 1, was " + builder.localMaxSize);
		}
		this.localMaxSize = builder.localMaxSize;
		this.staleTtl = Settings.requireNotNegative("stale-ttl", builder.staleTtl);
		this.refresh = Settings.require("refresh", builder.refresh);
		if (!(builder.earlyRefreshBeta >= 0 && builder.earlyRefreshBeta <= 100)) {
			throw new InvalidSettingException("early-refresh-beta",
					"must be between 0 (off) and 100; 1.0 is the usual choice, was " + builder.earlyRefreshBeta);
		}
		this.earlyRefreshBeta = builder.earlyRefreshBeta;
	}

	/** Starts settings from {@link #DEFAULTS}. */
	public static Builder builder() {
		return new Builder();
	}

	/** Starts settings from {@code base}, to change some of them. */
	public static Builder from(CacheSettings base) {
		return new Builder(base);
	}

	/** How long a stored value is fresh. */
	public Duration ttl() {
		return this.ttl;
	}

	/** How long a lease lives if its holder dies without releasing it. */
	public Duration leaseTtl() {
		return this.leaseTtl;
	}

	/** How long a caller that lost the lease waits for the winner's value. */
	public Duration maxWait() {
		return this.maxWait;
	}

	/** How a waiting caller spaces its reads. */
	public Backoff backoff() {
		return this.backoff;
	}

	/** Whether a {@code null} result is cached like any other value. */
	public boolean cacheNulls() {
		return this.cacheNulls;
	}

	/** What a call does when the backend fails. */
	public FailurePolicy onBackendFailure() {
		return this.onBackendFailure;
	}

	/** What a call does when {@link #maxWait()} runs out. */
	public FailurePolicy onWaitTimeout() {
		return this.onWaitTimeout;
	}

	/**
	 * How long a value stays in this JVM's local tier in front of the backend; zero
	 * turns the local tier off.
	 */
	public Duration localTtl() {
		return this.localTtl;
	}

	/** Most keys of this cache the local tier keeps. */
	public long localMaxSize() {
		return this.localMaxSize;
	}

	/**
	 * After {@link #ttl()}, how much longer a value may be served stale while one
	 * caller refreshes it; zero turns stale serving off.
	 */
	public Duration staleTtl() {
		return this.staleTtl;
	}

	/** Who pays for a refresh: the caller that wins its lease, or a background thread. */
	public RefreshMode refresh() {
		return this.refresh;
	}

	/**
	 * How eagerly a fresh value is refreshed before it expires (probabilistic early
	 * expiration); 0 turns it off, 1 is the usual choice.
	 */
	public double earlyRefreshBeta() {
		return this.earlyRefreshBeta;
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

	@Override
	public boolean equals(@Nullable Object other) {
		return (this == other) || (other instanceof CacheSettings that && this.ttl.equals(that.ttl)
				&& this.leaseTtl.equals(that.leaseTtl) && this.maxWait.equals(that.maxWait)
				&& this.backoff.equals(that.backoff) && this.cacheNulls == that.cacheNulls
				&& this.onBackendFailure == that.onBackendFailure && this.onWaitTimeout == that.onWaitTimeout
				&& this.localTtl.equals(that.localTtl) && this.localMaxSize == that.localMaxSize
				&& this.staleTtl.equals(that.staleTtl) && this.refresh == that.refresh
				&& Double.compare(this.earlyRefreshBeta, that.earlyRefreshBeta) == 0);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.ttl, this.leaseTtl, this.maxWait, this.backoff, this.cacheNulls,
				this.onBackendFailure, this.onWaitTimeout, this.localTtl, this.localMaxSize, this.staleTtl,
				this.refresh, this.earlyRefreshBeta);
	}

	@Override
	public String toString() {
		return "CacheSettings[ttl=" + this.ttl + ", leaseTtl=" + this.leaseTtl + ", maxWait=" + this.maxWait
				+ ", backoff=" + this.backoff + ", cacheNulls=" + this.cacheNulls + ", onBackendFailure="
				+ this.onBackendFailure + ", onWaitTimeout=" + this.onWaitTimeout + ", localTtl=" + this.localTtl
				+ ", localMaxSize=" + this.localMaxSize + ", staleTtl=" + this.staleTtl + ", refresh=" + this.refresh
				+ ", earlyRefreshBeta=" + this.earlyRefreshBeta + "]";
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
		 * Checks the values and returns the settings.
		 * @throws InvalidSettingException naming the first setting that cannot work
		 */
		public CacheSettings build() {
			return new CacheSettings(this);
		}

		private Builder apply(Overrides overrides) {
			set(overrides.ttl, this::ttl);
			set(overrides.leaseTtl, this::leaseTtl);
			set(overrides.maxWait, this::maxWait);
			set(overrides.backoffInitial, this::backoffInitial);
			set(overrides.backoffMax, this::backoffMax);
			set(overrides.backoffMultiplier, this::backoffMultiplier);
			set(overrides.backoffJitter, this::backoffJitter);
			set(overrides.cacheNulls, this::cacheNulls);
			set(overrides.onBackendFailure, this::onBackendFailure);
			set(overrides.onWaitTimeout, this::onWaitTimeout);
			set(overrides.localTtl, this::localTtl);
			set(overrides.localMaxSize, this::localMaxSize);
			set(overrides.staleTtl, this::staleTtl);
			set(overrides.refresh, this::refresh);
			set(overrides.earlyRefreshBeta, this::earlyRefreshBeta);
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
	 * unset leaves the underlying value in place.
	 * <pre>{@code
	 * Overrides annotation = Overrides.builder().ttl(Duration.ofSeconds(30)).build();
	 * }</pre>
	 */
	public static final class Overrides {

		/** Overrides nothing. */
		public static final Overrides NONE = new Builder().build();

		private final @Nullable Duration ttl;

		private final @Nullable Duration leaseTtl;

		private final @Nullable Duration maxWait;

		private final @Nullable Duration backoffInitial;

		private final @Nullable Duration backoffMax;

		private final @Nullable Double backoffMultiplier;

		private final @Nullable Double backoffJitter;

		private final @Nullable Boolean cacheNulls;

		private final @Nullable FailurePolicy onBackendFailure;

		private final @Nullable FailurePolicy onWaitTimeout;

		private final @Nullable Duration localTtl;

		private final @Nullable Long localMaxSize;

		private final @Nullable Duration staleTtl;

		private final @Nullable RefreshMode refresh;

		private final @Nullable Double earlyRefreshBeta;

		private Overrides(Builder builder) {
			this.ttl = builder.ttl;
			this.leaseTtl = builder.leaseTtl;
			this.maxWait = builder.maxWait;
			this.backoffInitial = builder.backoffInitial;
			this.backoffMax = builder.backoffMax;
			this.backoffMultiplier = builder.backoffMultiplier;
			this.backoffJitter = builder.backoffJitter;
			this.cacheNulls = builder.cacheNulls;
			this.onBackendFailure = builder.onBackendFailure;
			this.onWaitTimeout = builder.onWaitTimeout;
			this.localTtl = builder.localTtl;
			this.localMaxSize = builder.localMaxSize;
			this.staleTtl = builder.staleTtl;
			this.refresh = builder.refresh;
			this.earlyRefreshBeta = builder.earlyRefreshBeta;
		}

		/** Starts overrides that set nothing. */
		public static Builder builder() {
			return new Builder();
		}

		public @Nullable Duration ttl() {
			return this.ttl;
		}

		public @Nullable Duration leaseTtl() {
			return this.leaseTtl;
		}

		public @Nullable Duration maxWait() {
			return this.maxWait;
		}

		public @Nullable Duration backoffInitial() {
			return this.backoffInitial;
		}

		public @Nullable Duration backoffMax() {
			return this.backoffMax;
		}

		public @Nullable Double backoffMultiplier() {
			return this.backoffMultiplier;
		}

		public @Nullable Double backoffJitter() {
			return this.backoffJitter;
		}

		public @Nullable Boolean cacheNulls() {
			return this.cacheNulls;
		}

		public @Nullable FailurePolicy onBackendFailure() {
			return this.onBackendFailure;
		}

		public @Nullable FailurePolicy onWaitTimeout() {
			return this.onWaitTimeout;
		}

		public @Nullable Duration localTtl() {
			return this.localTtl;
		}

		public @Nullable Long localMaxSize() {
			return this.localMaxSize;
		}

		public @Nullable Duration staleTtl() {
			return this.staleTtl;
		}

		public @Nullable RefreshMode refresh() {
			return this.refresh;
		}

		public @Nullable Double earlyRefreshBeta() {
			return this.earlyRefreshBeta;
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return (this == other) || (other instanceof Overrides that && Objects.equals(this.ttl, that.ttl)
					&& Objects.equals(this.leaseTtl, that.leaseTtl) && Objects.equals(this.maxWait, that.maxWait)
					&& Objects.equals(this.backoffInitial, that.backoffInitial)
					&& Objects.equals(this.backoffMax, that.backoffMax)
					&& Objects.equals(this.backoffMultiplier, that.backoffMultiplier)
					&& Objects.equals(this.backoffJitter, that.backoffJitter)
					&& Objects.equals(this.cacheNulls, that.cacheNulls)
					&& this.onBackendFailure == that.onBackendFailure && this.onWaitTimeout == that.onWaitTimeout
					&& Objects.equals(this.localTtl, that.localTtl)
					&& Objects.equals(this.localMaxSize, that.localMaxSize)
					&& Objects.equals(this.staleTtl, that.staleTtl) && this.refresh == that.refresh
					&& Objects.equals(this.earlyRefreshBeta, that.earlyRefreshBeta));
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.ttl, this.leaseTtl, this.maxWait, this.backoffInitial, this.backoffMax,
					this.backoffMultiplier, this.backoffJitter, this.cacheNulls, this.onBackendFailure,
					this.onWaitTimeout, this.localTtl, this.localMaxSize, this.staleTtl, this.refresh,
					this.earlyRefreshBeta);
		}

		@Override
		public String toString() {
			return "Overrides[ttl=" + this.ttl + ", leaseTtl=" + this.leaseTtl + ", maxWait=" + this.maxWait
					+ ", backoffInitial=" + this.backoffInitial + ", backoffMax=" + this.backoffMax
					+ ", backoffMultiplier=" + this.backoffMultiplier + ", backoffJitter=" + this.backoffJitter
					+ ", cacheNulls=" + this.cacheNulls + ", onBackendFailure=" + this.onBackendFailure
					+ ", onWaitTimeout=" + this.onWaitTimeout + ", localTtl=" + this.localTtl + ", localMaxSize="
					+ this.localMaxSize + ", staleTtl=" + this.staleTtl + ", refresh=" + this.refresh
					+ ", earlyRefreshBeta=" + this.earlyRefreshBeta + "]";
		}

		/**
		 * Builds {@link Overrides}. Every setter takes {@code null} for "not set", so
		 * that optional values, such as an annotation attribute left empty, pass straight
		 * through.
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

			private Builder() {
			}

			/** @see CacheSettings.Builder#ttl(Duration) */
			public Builder ttl(@Nullable Duration ttl) {
				this.ttl = ttl;
				return this;
			}

			/** @see CacheSettings.Builder#leaseTtl(Duration) */
			public Builder leaseTtl(@Nullable Duration leaseTtl) {
				this.leaseTtl = leaseTtl;
				return this;
			}

			/** @see CacheSettings.Builder#maxWait(Duration) */
			public Builder maxWait(@Nullable Duration maxWait) {
				this.maxWait = maxWait;
				return this;
			}

			/** @see CacheSettings.Builder#backoffInitial(Duration) */
			public Builder backoffInitial(@Nullable Duration initial) {
				this.backoffInitial = initial;
				return this;
			}

			/** @see CacheSettings.Builder#backoffMax(Duration) */
			public Builder backoffMax(@Nullable Duration max) {
				this.backoffMax = max;
				return this;
			}

			/** @see CacheSettings.Builder#backoffMultiplier(double) */
			public Builder backoffMultiplier(@Nullable Double multiplier) {
				this.backoffMultiplier = multiplier;
				return this;
			}

			/** @see CacheSettings.Builder#backoffJitter(double) */
			public Builder backoffJitter(@Nullable Double jitter) {
				this.backoffJitter = jitter;
				return this;
			}

			/** @see CacheSettings.Builder#cacheNulls(boolean) */
			public Builder cacheNulls(@Nullable Boolean cacheNulls) {
				this.cacheNulls = cacheNulls;
				return this;
			}

			/** @see CacheSettings.Builder#onBackendFailure(FailurePolicy) */
			public Builder onBackendFailure(@Nullable FailurePolicy onBackendFailure) {
				this.onBackendFailure = onBackendFailure;
				return this;
			}

			/** @see CacheSettings.Builder#onWaitTimeout(FailurePolicy) */
			public Builder onWaitTimeout(@Nullable FailurePolicy onWaitTimeout) {
				this.onWaitTimeout = onWaitTimeout;
				return this;
			}

			/** @see CacheSettings.Builder#localTtl(Duration) */
			public Builder localTtl(@Nullable Duration localTtl) {
				this.localTtl = localTtl;
				return this;
			}

			/** @see CacheSettings.Builder#localMaxSize(long) */
			public Builder localMaxSize(@Nullable Long localMaxSize) {
				this.localMaxSize = localMaxSize;
				return this;
			}

			/** @see CacheSettings.Builder#staleTtl(Duration) */
			public Builder staleTtl(@Nullable Duration staleTtl) {
				this.staleTtl = staleTtl;
				return this;
			}

			/** @see CacheSettings.Builder#refresh(RefreshMode) */
			public Builder refresh(@Nullable RefreshMode refresh) {
				this.refresh = refresh;
				return this;
			}

			/** @see CacheSettings.Builder#earlyRefreshBeta(double) */
			public Builder earlyRefreshBeta(@Nullable Double earlyRefreshBeta) {
				this.earlyRefreshBeta = earlyRefreshBeta;
				return this;
			}

			/** Returns the overrides; they are checked when laid over complete settings. */
			public Overrides build() {
				return new Overrides(this);
			}

		}

	}

}
