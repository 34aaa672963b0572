package dev.stampede.cache;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.stampede.Stampede;

import org.springframework.cache.CacheManager;

/**
 * A {@link CacheManager} whose caches are {@link StampedeCache}s on one engine. A cache
 * is created the first time its name is asked for, and takes its settings from
 * {@code stampede.caches.<name>.*} over {@code stampede.defaults.*}. Plain
 * {@code @Cacheable} methods on its caches are protected as
 * {@code @Cacheable(sync = true)} ones where Spring allows it
 * ({@link CacheableProtectionPostProcessor}).
 */
public class StampedeCacheManager implements CacheManager {

	private final Stampede stampede;

	private final Map<String, StampedeCache> caches = new ConcurrentHashMap<>();

	/** Creates a manager that creates every cache when it is first used. */
	public StampedeCacheManager(Stampede stampede) {
		this(stampede, List.of());
	}

	/**
	 * Creates a manager with the caches {@code cacheNames} created at once, so that they
	 * are listed (by {@link #getCacheNames()}, the actuator) before they are used;
	 * others are created when first used.
	 */
	public StampedeCacheManager(Stampede stampede, Collection<String> cacheNames) {
		this.stampede = stampede;
		cacheNames.forEach(this::getCache);
	}

	@Override
	public StampedeCache getCache(String name) {
		StampedeCache cache = this.caches.get(name);
		return (cache != null) ? cache : this.caches.computeIfAbsent(name, (created) -> new StampedeCache(created,
				this.stampede));
	}

	/** The caches created so far, in name order. */
	@Override
	public Collection<String> getCacheNames() {
		return Collections.unmodifiableSet(new TreeSet<>(this.caches.keySet()));
	}

}
