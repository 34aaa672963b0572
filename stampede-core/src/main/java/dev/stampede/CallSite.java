package dev.stampede;

import java.lang.reflect.Type;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A place that reads a cache through Stampede, with its settings resolved once: an
 * annotated method, or programmatic calls naming a cache. Obtained from
 * {@link Stampede#callSite}.
 */
public final class CallSite {

	private final String cache;

	private final CacheSettings settings;

	private final Map<String, String> sources;

	private final String origin;

	private final @Nullable LocalTier localTier;

	private final CacheStats stats;

	private final Class<?> valueType;

	private final Type declaredType;

	private final LoadTimes loadTimes = new LoadTimes();

	private final Generations.Generation generation;

	CallSite(String cache, CacheSettings settings, Map<String, String> sources, String origin,
			@Nullable LocalTier localTier, CacheStats stats, Class<?> valueType, Type declaredType,
			Generations.Generation generation) {
		this.cache = cache;
		this.settings = settings;
		this.sources = Map.copyOf(sources);
		this.origin = origin;
		this.localTier = localTier;
		this.stats = stats;
		this.valueType = valueType;
		this.declaredType = declaredType;
		this.generation = generation;
	}

	/** The cache name. */
	public String cache() {
		return this.cache;
	}

	/** The effective settings. */
	public CacheSettings settings() {
		return this.settings;
	}

	/**
	 * Where each effective setting that is not a default came from, by its
	 * configuration key below {@code stampede.defaults.}: {@code call site} (an
	 * annotation's attribute) or {@code stampede.caches.<name>}. A setting not listed
	 * has its value from {@code stampede.defaults}.
	 */
	public Map<String, String> sources() {
		return this.sources;
	}

	/** Where the calls come from, for messages: a method signature, or the cache name. */
	public String origin() {
		return this.origin;
	}

	@Nullable LocalTier localTier() {
		return this.localTier;
	}

	/** Type of the values this call site returns; a stored value of another type is a miss. */
	public Class<?> valueType() {
		return this.valueType;
	}

	/**
	 * The generic type this call site declares it returns, such as {@code List<Product>};
	 * the codec reads stored values as it, and reads no class it does not reach.
	 */
	public Type declaredType() {
		return this.declaredType;
	}

	/** How long this call site's loads take, for leases of keys that carry no load time. */
	LoadTimes loadTimes() {
		return this.loadTimes;
	}

	Generations.Generation generation() {
		return this.generation;
	}

	/** Counters of the cache. */
	public CacheStats stats() {
		return this.stats;
	}

	@Override
	public String toString() {
		return this.origin + " -> cache '" + this.cache + "' " + this.settings;
	}

}
