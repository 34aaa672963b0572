package dev.stampede.cache;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.stampede.CacheSettings;
import dev.stampede.CallSite;
import dev.stampede.Stampede;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A cache of Spring's cache abstraction whose entries live in Stampede, tuned by
 * {@code stampede.caches.<name>.*} like any Stampede cache.
 * <ul>
 * <li>{@link #get(Object, Callable)} ({@code @Cacheable(sync = true)}) and
 * {@link #retrieve(Object, Supplier)} load under the engine's lease: one load across
 * every JVM, the others wait for its value; stale serving, early refresh, failure
 * policies and meters apply. A loader's exception reaches every caller that joined its
 * load, each as a {@link Cache.ValueRetrievalException}.</li>
 * <li>{@link #get(Object)}, {@link #get(Object, Class)} and {@link #retrieve(Object)}
 * read a fresh or stale value and never load.</li>
 * <li>{@link #put} is fenced ({@link Stampede#put}): it never undoes an eviction that
 * follows it, and a load that began before it cannot overwrite it.</li>
 * <li>{@link #evict} and {@link #clear} are the engine's evictions: immediate in this
 * JVM, and a cleared cache moves to a new key generation.</li>
 * </ul>
 * {@code null} is cached as {@code null} when {@code cache-nulls} is on, which is
 * {@link #isAllowNullValues()}; with it off, a loaded {@code null} is returned uncached
 * and {@link #put} of {@code null} is refused, as Spring's caches refuse it. Keys take
 * the string form {@link SpringCacheKeys} describes.
 */
public class StampedeCache implements Cache {

	private static final Predicate<@Nullable Object> ALWAYS = (value) -> true;

	private final String name;

	private final Stampede stampede;

	private final CallSite site;

	/**
	 * Creates the cache {@code name} on {@code stampede}, with its settings from
	 * configuration.
	 */
	public StampedeCache(String name, Stampede stampede) {
		this.name = name;
		this.stampede = stampede;
		this.site = stampede.callSite(name, CacheSettings.Overrides.NONE, "Spring cache '" + name + "'");
	}

	@Override
	public String getName() {
		return this.name;
	}

	/** The engine. */
	@Override
	public Stampede getNativeCache() {
		return this.stampede;
	}

	/** Whether {@code null} is cached: the cache's {@code cache-nulls}. */
	public boolean isAllowNullValues() {
		return this.site.settings().cacheNulls();
	}

	@Override
	public @Nullable ValueWrapper get(Object key) {
		return wrap(this.stampede.peek(this.name, keyString(key)));
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
		Optional<Stampede.Cached> cached = this.stampede.peek(this.name, keyString(key));
		Object value = cached.map(Stampede.Cached::value).orElse(null);
		if (value != null && type != null && !type.isInstance(value)) {
			throw new IllegalStateException(
					"Cached value is not of required type [" + type.getName() + "]: " + value);
		}
		return (T) value;
	}

	@Override
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		try {
			return this.stampede.get(this.site, keyString(key), () -> call(valueLoader), ALWAYS);
		}
		catch (LoaderFailure ex) {
			throw new ValueRetrievalException(key, valueLoader, ex.getCause());
		}
	}

	@Override
	public CompletableFuture<?> retrieve(Object key) {
		return this.stampede.peekAsync(this.name, keyString(key)).thenApply(StampedeCache::wrap);
	}

	@Override
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		return this.stampede.getAsync(this.site, keyString(key), valueLoader, ALWAYS);
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		this.stampede.put(this.name, keyString(key), allowed(value));
	}

	/**
	 * Stores {@code value} unless the key holds a value, through the protected path: a
	 * key being loaded by another caller answers with that caller's value.
	 */
	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		Object allowed = allowed(value);
		AtomicBoolean stored = new AtomicBoolean();
		Object current = this.stampede.get(this.site, keyString(key), () -> {
			stored.set(true);
			return allowed;
		}, ALWAYS);
		return stored.get() ? null : new SimpleValueWrapper(current);
	}

	@Override
	public void evict(Object key) {
		this.stampede.evict(this.name, keyString(key));
	}

	/**
	 * Evicts the key at once, as {@link #evict} does.
	 * @return {@code false}: whether the key was present is not read, which would cost a
	 * round trip to the backend
	 */
	@Override
	public boolean evictIfPresent(Object key) {
		evict(key);
		return false;
	}

	/** Moves the cache to a new key generation: every entry is gone at once, in every JVM. */
	@Override
	public void clear() {
		this.stampede.evictAll(this.name);
	}

	/**
	 * Clears the cache at once, as {@link #clear} does.
	 * @return {@code false}: whether the cache held entries is not known
	 */
	@Override
	public boolean invalidate() {
		clear();
		return false;
	}

	@Override
	public String toString() {
		return "StampedeCache '" + this.name + "'";
	}

	private static String keyString(Object key) {
		return SpringCacheKeys.stringForm(key);
	}

	private @Nullable Object allowed(@Nullable Object value) {
		if (value == null && !isAllowNullValues()) {
			throw new IllegalArgumentException("Cache '" + this.name + "' does not cache null values "
					+ "(stampede.caches." + this.name + ".cache-nulls or stampede.defaults.cache-nulls is false); "
					+ "skip null results with @CachePut(unless = \"#result == null\")");
		}
		return value;
	}

	private static @Nullable ValueWrapper wrap(Optional<Stampede.Cached> cached) {
		return cached.map((found) -> (ValueWrapper) new SimpleValueWrapper(found.value())).orElse(null);
	}

	private static <T> @Nullable T call(Callable<T> valueLoader) {
		try {
			return valueLoader.call();
		}
		catch (Exception ex) {
			throw new LoaderFailure(ex);
		}
	}

	/**
	 * Carries a loader's exception through the engine, which hands it unchanged to every
	 * caller that joined the load, and tells it apart from the engine's own exceptions.
	 */
	private static final class LoaderFailure extends RuntimeException {

		LoaderFailure(Exception cause) {
			super(cause.toString(), cause, false, false);
		}

	}

}
