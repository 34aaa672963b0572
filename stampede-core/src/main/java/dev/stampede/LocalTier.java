package dev.stampede;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

/**
 * One cache's values kept in this JVM in front of the backend, for {@code local-ttl}.
 * <p>
 * An eviction must win over every read that started before it: a reader that was
 * answered by the backend just before an eviction must not put the old value back.
 * So every eviction bumps a counter after the backend forgot the key, and a reader
 * takes the counter before it reads the backend and withdraws what it remembered if
 * the counter moved meanwhile.
 */
final class LocalTier {

	private final Cache<String, Envelope> values;

	private final AtomicLong evictions = new AtomicLong();

	// Maintenance runs on the calling thread, as the local backend's does.
	LocalTier(Duration ttl, long maximumSize) {
		this.values = Caffeine.newBuilder().executor(Runnable::run).expireAfterWrite(ttl).maximumSize(maximumSize).build();
	}

	/** Taken before reading the backend, and handed back to {@link #remember}. */
	long stamp() {
		return this.evictions.get();
	}

	@Nullable Envelope get(String backendKey) {
		return this.values.getIfPresent(backendKey);
	}

	/** Keeps a value read or written at or after {@code stamp}, unless an eviction came since. */
	void remember(String backendKey, Envelope envelope, long stamp) {
		this.values.put(backendKey, envelope);
		if (this.evictions.get() != stamp) {
			this.values.asMap().remove(backendKey, envelope);
		}
	}

	void evict(String backendKey) {
		this.evictions.incrementAndGet();
		this.values.invalidate(backendKey);
	}

	void evictAll() {
		this.evictions.incrementAndGet();
		this.values.invalidateAll();
	}

}
