package dev.stampede.benchmarks.harness;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the harness measures: Stampede on each backend, and the peers an application
 * would otherwise use, all over the same servers and the same slow database.
 */
public enum Variant {

	/** {@code @StampedeProtected} on memcached. */
	STAMPEDE_MEMCACHED("Stampede memcached", "Stampede, memcached", Store.MEMCACHED, Worker.STAMPEDE),

	/** {@code @StampedeProtected} on Redis. */
	STAMPEDE_REDIS("Stampede Redis", "Stampede, Redis", Store.REDIS, Worker.STAMPEDE),

	/** {@code @StampedeProtected} on memcached, stale values served while one caller refreshes in the background. */
	STAMPEDE_MEMCACHED_STALE("Stampede memcached stale", "Stampede, memcached, stale-ttl + async refresh", Store.MEMCACHED, Worker.STAMPEDE,
			"stampede.caches.products.stale-ttl=10s", "stampede.caches.products.refresh=async"),

	/** {@code @StampedeProtected} on Redis, stale values served while one caller refreshes in the background. */
	STAMPEDE_REDIS_STALE("Stampede Redis stale", "Stampede, Redis, stale-ttl + async refresh", Store.REDIS, Worker.STAMPEDE,
			"stampede.caches.products.stale-ttl=10s", "stampede.caches.products.refresh=async"),

	/** Spring's {@code @Cacheable} on Redis. */
	CACHEABLE("@Cacheable", "@Cacheable, Redis", Store.REDIS, Worker.CACHEABLE),

	/** {@code @Cacheable(sync = true)} on Redis with the default (non-locking) cache writer. */
	CACHEABLE_SYNC("@Cacheable sync", "@Cacheable(sync = true), Redis", Store.REDIS, Worker.SYNC_CACHEABLE),

	/** {@code @Cacheable(sync = true)} on Redis with {@code RedisCacheWriter.lockingRedisCacheWriter}. */
	CACHEABLE_SYNC_LOCKING("@Cacheable sync + lock", "@Cacheable(sync = true), Redis, locking writer", Store.REDIS, Worker.SYNC_CACHEABLE,
			"harness.locking-writer=true"),

	// Spring's caches name no value type, so the Java codec reads only the JDK's types and the
	// allowed packages: the workers' products live outside the application's own package.

	/** Spring's {@code @Cacheable(sync = true)} on Stampede's cache manager ({@code stampede.spring-cache.enabled}), on Redis. */
	CACHEABLE_SYNC_ON_STAMPEDE("@Cacheable sync on Stampede", "@Cacheable(sync = true) on Stampede, Redis", Store.REDIS,
			Worker.SYNC_CACHEABLE_ON_STAMPEDE, "stampede.spring-cache.enabled=true", "stampede.caches.hits.ttl=1h",
			"stampede.codec.allowed-packages=dev.stampede.benchmarks.worker"),

	/** Spring's plain {@code @Cacheable} on Stampede's cache manager, which Stampede protects as {@code sync = true}, on Redis. */
	CACHEABLE_ON_STAMPEDE("@Cacheable on Stampede", "@Cacheable on Stampede, Redis", Store.REDIS,
			Worker.CACHEABLE_ON_STAMPEDE, "stampede.spring-cache.enabled=true", "stampede.caches.hits.ttl=1h",
			"stampede.codec.allowed-packages=dev.stampede.benchmarks.worker"),

	/** JetCache 2.7 {@code @Cached} + {@code @CachePenetrationProtect} on Redis, in a Spring Boot 3.5 application. */
	JETCACHE("JetCache", "JetCache @Cached + @CachePenetrationProtect, Redis", Store.REDIS, Worker.JETCACHE),

	/** {@code @Cacheable(sync = true)} on Redisson's {@code RedissonSpringCacheManager}, which locks each loading key in Redis. */
	REDISSON("Redisson sync", "@Cacheable(sync = true), Redisson, lock per key", Store.REDIS, Worker.REDISSON);

	private final String shortLabel;

	private final String label;

	private final Store store;

	private final Worker worker;

	private final List<String> properties;

	Variant(String shortLabel, String label, Store store, Worker worker, String... properties) {
		this.shortLabel = shortLabel;
		this.label = label;
		this.store = store;
		this.worker = worker;
		this.properties = List.of(properties);
	}

	/** How the variant is named in plots. */
	public String shortLabel() {
		return this.shortLabel;
	}

	/** How the variant is named in tables. */
	public String label() {
		return this.label;
	}

	/** The server it caches in. */
	public Store store() {
		return this.store;
	}

	/** The application that runs in each of its JVMs. */
	public Worker worker() {
		return this.worker;
	}

	/** Properties of its worker applications, beside the harness's own. */
	public List<String> properties() {
		return this.properties;
	}

	/** A cache server. */
	public enum Store {

		MEMCACHED, REDIS

	}

	/** The application a variant's JVMs run. */
	public enum Worker {

		STAMPEDE, CACHEABLE, SYNC_CACHEABLE, CACHEABLE_ON_STAMPEDE, SYNC_CACHEABLE_ON_STAMPEDE,

		JETCACHE("stampede-benchmarks-jetcache", "dev.stampede.benchmarks.jetcache.JetCacheWorker"),

		REDISSON("stampede-benchmarks-redisson", "dev.stampede.benchmarks.redisson.RedissonWorker");

		private final @Nullable String module;

		private final @Nullable String mainClass;

		Worker() {
			this(null, null);
		}

		Worker(@Nullable String module, @Nullable String mainClass) {
			this.module = module;
			this.mainClass = mainClass;
		}

		/**
		 * The module of a worker that runs on a class path of its own, so that its
		 * libraries stay out of the other workers; {@code null} for {@link BootWorker}'s.
		 */
		public @Nullable String module() {
			return this.module;
		}

		/** The main class of a worker with a {@link #module()} of its own. */
		public @Nullable String mainClass() {
			return this.mainClass;
		}

		/** Whether Stampede caches its values, so that it needs {@code stampede.*} to find its backend. */
		public boolean usesStampede() {
			return this == STAMPEDE || this == CACHEABLE_ON_STAMPEDE || this == SYNC_CACHEABLE_ON_STAMPEDE;
		}

	}

}
