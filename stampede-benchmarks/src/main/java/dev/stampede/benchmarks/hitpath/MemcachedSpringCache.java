package dev.stampede.benchmarks.hitpath;

import java.util.concurrent.Callable;

import net.rubyeye.xmemcached.MemcachedClient;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.support.AbstractValueAdaptingCache;

/**
 * A Spring {@link org.springframework.cache.Cache} over an xmemcached client, with
 * its default (Java serialization) transcoder: what an application that uses
 * {@code @Cacheable} on memcached writes, since Spring ships no memcached cache.
 */
final class MemcachedSpringCache extends AbstractValueAdaptingCache {

	private final String name;

	private final MemcachedClient client;

	MemcachedSpringCache(String name, MemcachedClient client) {
		super(true);
		this.name = name;
		this.client = client;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Object getNativeCache() {
		return this.client;
	}

	@Override
	protected @Nullable Object lookup(Object key) {
		try {
			return this.client.get(key(key));
		}
		catch (Exception ex) {
			throw new IllegalStateException("memcached get failed for " + key, ex);
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		Object stored = lookup(key);
		if (stored != null) {
			return (T) fromStoreValue(stored);
		}
		try {
			T value = valueLoader.call();
			put(key, value);
			return value;
		}
		catch (Exception ex) {
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		try {
			this.client.set(key(key), 0, toStoreValue(value));
		}
		catch (Exception ex) {
			throw new IllegalStateException("memcached set failed for " + key, ex);
		}
	}

	@Override
	public void evict(Object key) {
		try {
			this.client.delete(key(key));
		}
		catch (Exception ex) {
			throw new IllegalStateException("memcached delete failed for " + key, ex);
		}
	}

	@Override
	public void clear() {
		throw new UnsupportedOperationException("memcached cannot clear one cache without flushing every cache");
	}

	private String key(Object key) {
		return this.name + ":" + key;
	}

}
