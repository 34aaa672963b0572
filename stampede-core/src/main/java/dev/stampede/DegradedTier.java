package dev.stampede;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.jspecify.annotations.Nullable;

/**
 * Values this JVM loaded while the shared backend was failing, so that a cache outage
 * does not become a database outage: without them every JVM would reload every hot key
 * back to back until the backend answers again. Each cache keeps at most its
 * {@code local-max-size} values, fresh for {@code ttl} and servable stale within
 * {@code stale-ttl}, with one refresh per key at a time.
 * <p>
 * The tier answers before the backend only while the engine is degraded: from a
 * backend failure until the backend next answers a read, which one call a second is
 * left to try. Then every value is dropped,
 * not written back: another JVM may have stored a newer value meanwhile, and writing
 * over it would need a lease per key. Evictions in this JVM apply at once; a load
 * that began before an eviction, or before the backend answered again, is not kept.
 */
final class DegradedTier {

	private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final Clock clock;

	private final Map<String, Cache<String, Envelope>> caches = new ConcurrentHashMap<>();

	private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

	// Moves on every eviction and on recovery: a load stamped before it is not kept.
	private final AtomicLong changes = new AtomicLong();

	private volatile boolean degraded;

	private final AtomicLong nextProbe = new AtomicLong();

	DegradedTier(Clock clock) {
		this.clock = clock;
	}

	boolean isDegraded() {
		return this.degraded;
	}

	/**
	 * The backend failed a call of this JVM: the tier answers before the backend until it
	 * answers again.
	 * @return the stamp to hand to {@link #keep} with the value loaded instead
	 */
	long backendFailed() {
		if (!this.degraded) {
			this.nextProbe.set(System.nanoTime() + PROBE_INTERVAL_NANOS);
			this.degraded = true;
		}
		return this.changes.get();
	}

	/**
	 * A fresh value of {@code backendKey} to answer with before asking the backend, or
	 * {@code null}. Once a second one caller is not answered, so that it asks the
	 * backend: otherwise, with every hot key in the tier, nothing would learn that the
	 * backend answers again until the values expire. If the backend still fails, that
	 * caller is answered from the tier after its read.
	 */
	@Nullable Envelope freshBeforeBackend(CallSite site, String backendKey) {
		Envelope kept = servable(site, backendKey);
		if (kept == null || !isFresh(kept) || probeDue()) {
			return null;
		}
		return kept;
	}

	private boolean probeDue() {
		long due = this.nextProbe.get();
		long now = System.nanoTime();
		return now - due >= 0 && this.nextProbe.compareAndSet(due, now + PROBE_INTERVAL_NANOS);
	}

	/** The backend answered a read: what was kept is dropped. */
	void backendAnswered() {
		if (this.degraded) {
			this.degraded = false;
			this.changes.incrementAndGet();
			this.caches.values().forEach(Cache::invalidateAll);
		}
	}

	/**
	 * A value of {@code backendKey} this call site may answer with, fresh or stale, or
	 * {@code null}: only while degraded, and only for call sites that call through when
	 * the backend fails.
	 */
	@Nullable Envelope servable(CallSite site, String backendKey) {
		if (!this.degraded || site.settings().onBackendFailure() != FailurePolicy.CALL_THROUGH) {
			return null;
		}
		Cache<String, Envelope> values = this.caches.get(site.cache());
		Envelope envelope = (values != null) ? values.getIfPresent(backendKey) : null;
		if (envelope == null || !envelope.isServableAt(this.clock.millis())
				|| (envelope.value() != null && !site.valueType().isInstance(envelope.value()))) {
			return null;
		}
		return envelope;
	}

	/** Whether {@code envelope} is still fresh now. */
	boolean isFresh(Envelope envelope) {
		return envelope.isFreshAt(this.clock.millis());
	}

	/**
	 * Keeps a value loaded while the backend failed, unless the backend answered again
	 * or an eviction came since {@code stamp}.
	 */
	void keep(Resolution resolution, Envelope envelope, long stamp) {
		if (!this.degraded) {
			return;
		}
		Cache<String, Envelope> values = this.caches.computeIfAbsent(resolution.cache(),
				(cache) -> newCache(resolution.settings().localMaxSize()));
		values.put(resolution.backendKey(), envelope);
		if (this.changes.get() != stamp) {
			values.asMap().remove(resolution.backendKey(), envelope);
		}
	}

	/** Takes the key's refresh: {@code false} when another caller of this JVM refreshes it. */
	boolean startRefresh(String backendKey) {
		return this.refreshing.add(backendKey);
	}

	void endRefresh(String backendKey) {
		this.refreshing.remove(backendKey);
	}

	void evict(String cache, String backendKey) {
		this.changes.incrementAndGet();
		Cache<String, Envelope> values = this.caches.get(cache);
		if (values != null) {
			values.invalidate(backendKey);
		}
	}

	void evictAll(String cache) {
		this.changes.incrementAndGet();
		Cache<String, Envelope> values = this.caches.get(cache);
		if (values != null) {
			values.invalidateAll();
		}
	}

	/** How many values are kept now, across caches. */
	long size() {
		return this.caches.values().stream().mapToLong(Cache::estimatedSize).sum();
	}

	// Entries leave memory once they may no longer be served; maintenance runs on the calling thread.
	private Cache<String, Envelope> newCache(long maximumSize) {
		return Caffeine.newBuilder()
			.executor(Runnable::run)
			.maximumSize(maximumSize)
			.expireAfter(new Expiry<String, Envelope>() {

				@Override
				public long expireAfterCreate(String key, Envelope envelope, long currentTime) {
					return untilUnservable(envelope);
				}

				@Override
				public long expireAfterUpdate(String key, Envelope envelope, long currentTime, long currentDuration) {
					return untilUnservable(envelope);
				}

				@Override
				public long expireAfterRead(String key, Envelope envelope, long currentTime, long currentDuration) {
					return currentDuration;
				}

			})
			.build();
	}

	private long untilUnservable(Envelope envelope) {
		return TimeUnit.MILLISECONDS.toNanos(Math.max(0, envelope.staleUntil() - this.clock.millis()));
	}

}
