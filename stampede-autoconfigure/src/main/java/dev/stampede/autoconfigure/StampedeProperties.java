package dev.stampede.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.stampede.FailurePolicy;
import dev.stampede.RefreshMode;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of Stampede, under {@code stampede}. Plain data: the auto-configuration
 * checks the values when it builds the engine, and a value that cannot work fails
 * start-up with a message that names its property.
 */
@ConfigurationProperties("stampede")
public class StampedeProperties {

	/**
	 * Whether Stampede protects annotated methods.
	 */
	private boolean enabled = true;

	/**
	 * Backend that stores values and leases. Defaults to memcached when
	 * stampede.memcached.servers is set, else to redis when the application has a Redis
	 * connection, else to local.
	 */
	private @Nullable Backend backend;

	/**
	 * Prefix of every key Stampede writes, so that several applications can share one
	 * backend.
	 */
	private String keyPrefix = "";

	/**
	 * Order of Stampede's advice among other advice on the same bean, such as
	 * transactions: advice with a lower value runs outside it. Unset, Stampede's advice
	 * runs outside all other advice, so that cache hits and waiting callers never open
	 * a transaction.
	 */
	private @Nullable Integer order;

	/**
	 * Name of this instance in the leases it takes, which callers of other instances
	 * that wait for one of its loads report as the holder of the lease (the holder of
	 * the stampede.wait observation): at most 255 bytes of UTF-8, no control characters.
	 * Defaults to spring.application.name, the host name and the process id, as
	 * catalog@web-3:4711.
	 */
	private @Nullable String instanceId;

	private final Memcached memcached = new Memcached();

	private final Redis redis = new Redis();

	private final Local local = new Local();

	/**
	 * Settings of every cache; stampede.caches.<name>.* and annotation attributes win
	 * over them.
	 */
	private final CacheProperties defaults = new CacheProperties();

	private final Refresh refresh = new Refresh();

	private final Health health = new Health();

	private final CircuitBreaker circuitBreaker = new CircuitBreaker();

	private final Codec codec = new Codec();

	/**
	 * Per-cache settings, by cache name. They win over annotation attributes and
	 * defaults.
	 */
	private final Map<String, CacheProperties> caches = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Backend getBackend() {
		return this.backend;
	}

	public void setBackend(@Nullable Backend backend) {
		this.backend = backend;
	}

	public @Nullable Integer getOrder() {
		return this.order;
	}

	public void setOrder(@Nullable Integer order) {
		this.order = order;
	}

	public @Nullable String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(@Nullable String instanceId) {
		this.instanceId = instanceId;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public Memcached getMemcached() {
		return this.memcached;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Local getLocal() {
		return this.local;
	}

	public CacheProperties getDefaults() {
		return this.defaults;
	}

	public Refresh getRefresh() {
		return this.refresh;
	}

	public Health getHealth() {
		return this.health;
	}

	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public Map<String, CacheProperties> getCaches() {
		return this.caches;
	}

	public Codec getCodec() {
		return this.codec;
	}

	/** The backends Stampede can use. */
	public enum Backend {

		/** In this JVM only (Caffeine): nothing to install, no coordination between JVMs. */
		LOCAL,

		/** memcached servers, through the xmemcached client. */
		MEMCACHED,

		/** Redis, through the application's Spring Data Redis connection (spring.data.redis.*). */
		REDIS

	}

	/** Connection to memcached. */
	public static class Memcached {

		/**
		 * Comma-separated host:port list of memcached servers; keys are spread across
		 * them by consistent hashing.
		 */
		private @Nullable String servers;

		/**
		 * How long one memcached operation may take before it counts as a backend failure.
		 */
		private Duration opTimeout = Duration.ofMillis(500);

		/**
		 * How long connecting to a memcached server may take.
		 */
		private Duration connectTimeout = Duration.ofSeconds(1);

		public @Nullable String getServers() {
			return this.servers;
		}

		public void setServers(@Nullable String servers) {
			this.servers = servers;
		}

		public Duration getOpTimeout() {
			return this.opTimeout;
		}

		public void setOpTimeout(Duration opTimeout) {
			this.opTimeout = opTimeout;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

	}

	/** Stampede's use of the application's Redis connection (spring.data.redis.*). */
	public static class Redis {

		/**
		 * How long Stampede waits for one Redis operation before it counts as a backend
		 * failure, whatever spring.data.redis.timeout allows the application's own
		 * commands.
		 */
		private Duration opTimeout = Duration.ofMillis(500);

		public Duration getOpTimeout() {
			return this.opTimeout;
		}

		public void setOpTimeout(Duration opTimeout) {
			this.opTimeout = opTimeout;
		}

	}

	/** The in-process backend. */
	public static class Local {

		/**
		 * Most keys the local backend holds; the least valuable are evicted beyond it.
		 */
		private long maximumSize = 10_000;

		public long getMaximumSize() {
			return this.maximumSize;
		}

		public void setMaximumSize(long maximumSize) {
			this.maximumSize = maximumSize;
		}

	}

	/** The formats of values in a shared backend. */
	public enum Format {

		/** Java serialization, read through a filter that admits the declared types only. */
		JAVA,

		/** JSON through Jackson 3, read into the declared type; no class names in the bytes. */
		JSON

	}

	/** How values are written to and read from a shared backend. */
	public static class Codec {

		/**
		 * Format of values in a shared backend. A value written in another format reads as
		 * a miss, so the format can change one instance at a time. Ignored when the
		 * application defines its own ValueCodec bean.
		 */
		private Format format = Format.JAVA;

		/**
		 * Packages, with their subpackages, whose classes the java format reads besides
		 * those the protected methods' return types reach and the JDK's value types.
		 * Defaults to the application's auto-configuration packages, those of its
		 * @SpringBootApplication class; setting it replaces them.
		 */
		private @Nullable List<String> allowedPackages;

		/**
		 * Secret of an HMAC-SHA256 signature over each value and its key: a value whose
		 * signature does not check out reads as a miss and is never decoded. At least 32
		 * bytes of UTF-8, such as the output of openssl rand -base64 48. Unset: values are
		 * neither signed nor checked.
		 */
		private @Nullable String signingKey;

		/**
		 * Name of the signing key, written beside each signature: a value signed under
		 * another name reads as a miss. Change it with the key, so that a rotation shows as
		 * values of another key rather than as bad signatures.
		 */
		private String signingKeyId = "1";

		/**
		 * Values whose encoded form is larger than this are compressed (Deflate) when that
		 * makes them smaller, so that larger values fit memcached's item limit and cost less
		 * network. Unset: no value is compressed; every engine reads compressed values
		 * either way.
		 */
		private @Nullable DataSize compressAbove;

		public Format getFormat() {
			return this.format;
		}

		public void setFormat(Format format) {
			this.format = format;
		}

		public @Nullable List<String> getAllowedPackages() {
			return this.allowedPackages;
		}

		public void setAllowedPackages(@Nullable List<String> allowedPackages) {
			this.allowedPackages = allowedPackages;
		}

		public @Nullable String getSigningKey() {
			return this.signingKey;
		}

		public void setSigningKey(@Nullable String signingKey) {
			this.signingKey = signingKey;
		}

		public String getSigningKeyId() {
			return this.signingKeyId;
		}

		public void setSigningKeyId(String signingKeyId) {
			this.signingKeyId = signingKeyId;
		}

		public @Nullable DataSize getCompressAbove() {
			return this.compressAbove;
		}

		public void setCompressAbove(@Nullable DataSize compressAbove) {
			this.compressAbove = compressAbove;
		}

	}

	/** The circuit breaker in front of a shared backend. */
	public static class CircuitBreaker {

		/**
		 * Whether a shared backend that keeps failing is skipped for a while, so that
		 * calls stop paying its timeout.
		 */
		private boolean enabled = true;

		/**
		 * Consecutive failed backend operations that open the circuit.
		 */
		private int failureThreshold = 5;

		/**
		 * How long an open circuit skips the backend before one probe request decides
		 * whether to close it.
		 */
		private Duration openFor = Duration.ofSeconds(5);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getFailureThreshold() {
			return this.failureThreshold;
		}

		public void setFailureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
		}

		public Duration getOpenFor() {
			return this.openFor;
		}

		public void setOpenFor(Duration openFor) {
			this.openFor = openFor;
		}

	}

	/** The stampede health indicator. */
	public static class Health {

		/**
		 * Whether an unreachable backend makes the stampede health indicator DOWN. By
		 * default only when defaults.on-backend-failure is fail: with call-through the
		 * protected methods keep working, and the indicator stays UP with the backend's
		 * state in its details.
		 */
		private @Nullable Boolean downWhenBackendDown;

		public @Nullable Boolean getDownWhenBackendDown() {
			return this.downWhenBackendDown;
		}

		public void setDownWhenBackendDown(@Nullable Boolean downWhenBackendDown) {
			this.downWhenBackendDown = downWhenBackendDown;
		}

	}

	/** Threads that refresh stale values in the background, for caches with refresh=async. */
	public static class Refresh {

		/**
		 * Threads that run background refreshes.
		 */
		private int threads = 2;

		/**
		 * Refreshes that may wait for a thread; beyond it a refresh is skipped and the
		 * stale value served on.
		 */
		private int queueCapacity = 256;

		public int getThreads() {
			return this.threads;
		}

		public void setThreads(int threads) {
			this.threads = threads;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

	}

	/**
	 * Settings of caches, under stampede.defaults for every cache and under
	 * stampede.caches.<name> for one. Anything left unset comes from the layer below:
	 * the annotation, then stampede.defaults, then Stampede's own defaults.
	 */
	public static class CacheProperties {

		/**
		 * How long a value is fresh.
		 */
		private @Nullable Duration ttl;

		/**
		 * How long a lease lives if its holder dies without releasing it.
		 */
		private @Nullable Duration leaseTtl;

		/**
		 * How long a caller that lost the lease waits for the winner's value.
		 */
		private @Nullable Duration maxWait;

		private final BackoffProperties backoff = new BackoffProperties();

		/**
		 * Whether a null result is cached like any other value.
		 */
		private @Nullable Boolean cacheNulls;

		/**
		 * What a call does when the backend fails: call the method directly, or fail.
		 */
		private @Nullable FailurePolicy onBackendFailure;

		/**
		 * What a call does when max-wait runs out: call the method directly, or fail.
		 */
		private @Nullable FailurePolicy onWaitTimeout;

		/**
		 * After ttl, how much longer a stale value may be served while one caller refreshes
		 * it. 0 turns stale serving off.
		 */
		private @Nullable Duration staleTtl;

		/**
		 * Who pays for refreshing a stale value: the caller that wins the refresh lease
		 * (inline), or a background thread while that caller gets the stale value too
		 * (async).
		 */
		private @Nullable RefreshMode refresh;

		/**
		 * How eagerly fresh values are refreshed shortly before they expire (probabilistic
		 * early expiration); 0 turns it off and 1.0 is the usual choice.
		 */
		private @Nullable Double earlyRefreshBeta;

		/**
		 * How long a value stays in this JVM's local tier in front of the backend. 0 turns
		 * the local tier off. On memcached, which cannot notify other JVMs, it is also how
		 * long another JVM's eviction may go unseen here.
		 */
		private @Nullable Duration localTtl;

		/**
		 * Most keys of one cache the local tier keeps.
		 */
		private @Nullable Long localMaxSize;

		/**
		 * After ttl and stale-ttl, how much longer a value is kept as the fallback of the
		 * load that replaces it: when that load fails, or runs past hard-timeout, its
		 * callers get the value instead of the failure. 0 turns fail-safe off.
		 */
		private @Nullable Duration failSafeTtl;

		/**
		 * How long a fallback served after a failed load stays fresh, in every JVM, before
		 * the next load is tried.
		 */
		private @Nullable Duration failSafeThrottle;

		/**
		 * How long callers wait for a load that has a fallback (the stale value it
		 * refreshes, or a fail-safe value) before they get the fallback; the load goes on in
		 * the background and stores its value. Shorter than lease-ttl and hard-timeout. 0
		 * turns it off. When it applies, a blocking method runs on one of Stampede's loader
		 * threads, without the caller's thread-locals (transaction, security context).
		 */
		private @Nullable Duration softTimeout;

		/**
		 * How long callers wait for any load before they get the fallback, or a
		 * StampedeTimeoutException when there is none; the load goes on in the background
		 * and stores its value. Shorter than lease-ttl. 0 turns it off. When set, a blocking
		 * method runs on one of Stampede's loader threads, without the caller's thread-locals
		 * (transaction, security context).
		 */
		private @Nullable Duration hardTimeout;

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

		public @Nullable Duration getLeaseTtl() {
			return this.leaseTtl;
		}

		public void setLeaseTtl(@Nullable Duration leaseTtl) {
			this.leaseTtl = leaseTtl;
		}

		public @Nullable Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(@Nullable Duration maxWait) {
			this.maxWait = maxWait;
		}

		public BackoffProperties getBackoff() {
			return this.backoff;
		}

		public @Nullable Boolean getCacheNulls() {
			return this.cacheNulls;
		}

		public void setCacheNulls(@Nullable Boolean cacheNulls) {
			this.cacheNulls = cacheNulls;
		}

		public @Nullable FailurePolicy getOnBackendFailure() {
			return this.onBackendFailure;
		}

		public void setOnBackendFailure(@Nullable FailurePolicy onBackendFailure) {
			this.onBackendFailure = onBackendFailure;
		}

		public @Nullable FailurePolicy getOnWaitTimeout() {
			return this.onWaitTimeout;
		}

		public void setOnWaitTimeout(@Nullable FailurePolicy onWaitTimeout) {
			this.onWaitTimeout = onWaitTimeout;
		}

		public @Nullable Duration getStaleTtl() {
			return this.staleTtl;
		}

		public void setStaleTtl(@Nullable Duration staleTtl) {
			this.staleTtl = staleTtl;
		}

		public @Nullable RefreshMode getRefresh() {
			return this.refresh;
		}

		public void setRefresh(@Nullable RefreshMode refresh) {
			this.refresh = refresh;
		}

		public @Nullable Double getEarlyRefreshBeta() {
			return this.earlyRefreshBeta;
		}

		public void setEarlyRefreshBeta(@Nullable Double earlyRefreshBeta) {
			this.earlyRefreshBeta = earlyRefreshBeta;
		}

		public @Nullable Duration getLocalTtl() {
			return this.localTtl;
		}

		public void setLocalTtl(@Nullable Duration localTtl) {
			this.localTtl = localTtl;
		}

		public @Nullable Long getLocalMaxSize() {
			return this.localMaxSize;
		}

		public void setLocalMaxSize(@Nullable Long localMaxSize) {
			this.localMaxSize = localMaxSize;
		}

		public @Nullable Duration getFailSafeTtl() {
			return this.failSafeTtl;
		}

		public void setFailSafeTtl(@Nullable Duration failSafeTtl) {
			this.failSafeTtl = failSafeTtl;
		}

		public @Nullable Duration getFailSafeThrottle() {
			return this.failSafeThrottle;
		}

		public void setFailSafeThrottle(@Nullable Duration failSafeThrottle) {
			this.failSafeThrottle = failSafeThrottle;
		}

		public @Nullable Duration getSoftTimeout() {
			return this.softTimeout;
		}

		public void setSoftTimeout(@Nullable Duration softTimeout) {
			this.softTimeout = softTimeout;
		}

		public @Nullable Duration getHardTimeout() {
			return this.hardTimeout;
		}

		public void setHardTimeout(@Nullable Duration hardTimeout) {
			this.hardTimeout = hardTimeout;
		}

	}

	/** How a caller that lost the lease spaces its reads while it waits. */
	public static class BackoffProperties {

		/**
		 * First pause between two reads.
		 */
		private @Nullable Duration initial;

		/**
		 * Longest pause between two reads.
		 */
		private @Nullable Duration max;

		/**
		 * Growth of the pause from one read to the next, at least 1.
		 */
		private @Nullable Double multiplier;

		/**
		 * Fraction of each pause that is randomised, from 0 to 1, so that waiters do not
		 * poll in lock step.
		 */
		private @Nullable Double jitter;

		public @Nullable Duration getInitial() {
			return this.initial;
		}

		public void setInitial(@Nullable Duration initial) {
			this.initial = initial;
		}

		public @Nullable Duration getMax() {
			return this.max;
		}

		public void setMax(@Nullable Duration max) {
			this.max = max;
		}

		public @Nullable Double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(@Nullable Double multiplier) {
			this.multiplier = multiplier;
		}

		public @Nullable Double getJitter() {
			return this.jitter;
		}

		public void setJitter(@Nullable Double jitter) {
			this.jitter = jitter;
		}

	}

}
