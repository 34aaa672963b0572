package dev.stampede;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
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
 * {@code stale-ttl}, with one refresh per key at a time, and with {@code fail-safe-ttl}
 * kept longer as the fallback of a load that fails.
 * <p>
 * The tier answers before the backend only while the engine is degraded: from a
 * backend failure until the backend next answers a read, which one call a second is
 * left to try. Once the backend has answered for a second, every value is dropped,
 * not written back: another JVM may have stored a newer value meanwhile, and writing
 * over it would need a lease per key. Evictions in this JVM apply at once; a load
 * that began before an eviction, or before the backend answered again, is not kept;
 * an eviction the backend missed is made good by the next read of its key here.
 */
final class DegradedTier {

	private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final long RECOVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final int FAILED_EVICTIONS = 10_000;

	private final Clock clock;

	private final Map<String, Cache<String, Kept>> caches = new ConcurrentHashMap<>();

	// Keys whose stale value a caller of this JVM reloads now, or whose reload failed:
	// either way the stale value is served on, and nobody else reloads it yet.
	private final Map<String, Reload> reloads = new ConcurrentHashMap<>();

	// Moves on every eviction and on recovery: a load stamped before it is not kept.
	private final AtomicLong changes = new AtomicLong();

	private volatile boolean degraded;

	private final AtomicLong nextProbe = new AtomicLong();

	// Since when the backend answers after it failed, while values are still kept; 0 when none are.
	private volatile long answeredSince;

	private final Cache<String, Boolean> failedEvictions = Caffeine.newBuilder()
		.executor(Runnable::run)
		.maximumSize(FAILED_EVICTIONS)
		.build();

	DegradedTier(Clock clock) {
		this.clock = clock;
	}

	boolean isDegraded() {
		return this.degraded;
	}

	/** Taken before the backend is read, and handed to {@link #backendFailed} if it fails. */
	long stamp() {
		return this.changes.get();
	}

	/**
	 * The backend failed a call of this JVM that began at {@code stamp}: the tier answers
	 * before the backend until it answers again, unless it answered another call since
	 * this one began, or an eviction came since; then what this call loads is not kept.
	 */
	void backendFailed(long stamp) {
		if (!this.degraded && this.changes.get() == stamp) {
			this.nextProbe.set(System.nanoTime() + PROBE_INTERVAL_NANOS);
			this.degraded = true;
		}
	}

	/**
	 * A value of {@code backendKey} to answer with before asking the backend, or
	 * {@code null}: a fresh one, or a stale one that a caller of this JVM reloads (or
	 * failed to reload). Once a second one caller is not answered, so that it asks the
	 * backend: otherwise, with every hot key in the tier, nothing would learn that the
	 * backend answers again until the values expire. If the backend still fails, that
	 * caller is answered from the tier after its read.
	 */
	@Nullable Envelope beforeBackend(CallSite site, String backendKey) {
		Envelope kept = servable(site, backendKey);
		if (kept == null || (!isFresh(kept) && !isReloading(backendKey)) || probeDue()) {
			return null;
		}
		return kept;
	}

	private boolean isReloading(String backendKey) {
		Reload reload = this.reloads.get(backendKey);
		return reload != null && (reload.running() || System.nanoTime() - reload.retryAt() < 0);
	}

	private boolean probeDue() {
		long due = this.nextProbe.get();
		long now = System.nanoTime();
		return now - due >= 0 && this.nextProbe.compareAndSet(due, now + PROBE_INTERVAL_NANOS);
	}

	/**
	 * The backend answered a call (a read, and a lease if it asked for one): the tier no
	 * longer answers before it, and loads under way are not kept. What was kept is
	 * dropped once the backend has answered for {@code RECOVERY}: a backend that fails
	 * every other call (overloaded, timing out) would otherwise cost a load per failure.
	 */
	void backendAnswered() {
		if (this.degraded) {
			this.degraded = false;
			this.changes.incrementAndGet();
			this.answeredSince = System.nanoTime() | 1;
			return;
		}
		long since = this.answeredSince;
		if (since != 0 && System.nanoTime() - since >= RECOVERY_NANOS) {
			this.answeredSince = 0;
			this.changes.incrementAndGet();
			this.caches.values().forEach(Cache::invalidateAll);
			this.reloads.values().removeIf((reload) -> !reload.running());
		}
	}

	/**
	 * An eviction in this JVM could not reach the backend: until a later read of the key
	 * evicts it there, the backend's value is not to be served.
	 */
	void evictionFailed(String backendKey) {
		this.failedEvictions.put(backendKey, Boolean.TRUE);
	}

	/** Whether an eviction of {@code backendKey} failed and was not made good since. */
	boolean isEvictionPending(String backendKey) {
		return this.failedEvictions.estimatedSize() > 0 && this.failedEvictions.getIfPresent(backendKey) != null;
	}

	void evictionApplied(String backendKey) {
		this.failedEvictions.invalidate(backendKey);
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
		Kept kept = kept(site, backendKey);
		Envelope envelope = (kept != null) ? kept.envelope() : null;
		long now = this.clock.millis();
		// A fail-safe value written back is fresh for its throttle past its stale-until.
		if (envelope == null || !(envelope.isFreshAt(now) || envelope.isServableAt(now))
				|| (envelope.value() != null && !site.valueType().isInstance(envelope.value()))) {
			return null;
		}
		return envelope;
	}

	/**
	 * A value of {@code backendKey} past {@code stale-ttl} but within {@code fail-safe-ttl},
	 * to answer with if the load that replaces it fails, or {@code null}.
	 */
	@Nullable Envelope fallback(CallSite site, String backendKey) {
		Kept kept = kept(site, backendKey);
		if (kept == null || !FailSafe.isFallbackAt(kept.envelope(), site.settings(), this.clock.millis())
				|| (kept.envelope().value() != null && !site.valueType().isInstance(kept.envelope().value()))) {
			return null;
		}
		return kept.envelope();
	}

	private @Nullable Kept kept(CallSite site, String backendKey) {
		if (!this.degraded || site.settings().onBackendFailure() != FailurePolicy.CALL_THROUGH) {
			return null;
		}
		Cache<String, Kept> values = this.caches.get(site.cache());
		return (values != null) ? values.getIfPresent(backendKey) : null;
	}

	/** Whether {@code envelope} is still fresh now. */
	boolean isFresh(Envelope envelope) {
		return envelope.isFreshAt(this.clock.millis());
	}

	/**
	 * Keeps a value loaded while the backend failed, unless the backend answered again
	 * or an eviction came since {@code stamp}, taken before the read that failed.
	 */
	void keep(Resolution resolution, Envelope envelope, long stamp) {
		if (!this.degraded) {
			return;
		}
		Cache<String, Kept> values = this.caches.computeIfAbsent(resolution.cache(),
				(cache) -> newCache(resolution.settings().localMaxSize()));
		Kept kept = new Kept(envelope, FailSafe.keptUntil(envelope, resolution.settings()));
		values.put(resolution.backendKey(), kept);
		if (this.changes.get() != stamp) {
			values.asMap().remove(resolution.backendKey(), kept);
		}
	}

	/**
	 * Takes the reload of the key's stale value: {@code false} when another caller of
	 * this JVM reloads it, or a reload failed less than a {@code lease-ttl} ago.
	 */
	boolean startReload(String backendKey) {
		long now = System.nanoTime();
		Reload taken = new Reload(true, now);
		return this.reloads.compute(backendKey, (key, current) -> (current == null
				|| (!current.running() && now - current.retryAt() >= 0)) ? taken : current) == taken;
	}

	/**
	 * The reload ended; after a failure the next waits for {@code retryAfter}, as a
	 * failed refresh keeps its refresh lease, so that a failing database is not asked
	 * again on every call.
	 */
	void endReload(String backendKey, boolean failed, Duration retryAfter) {
		if (failed) {
			this.reloads.put(backendKey, new Reload(false, System.nanoTime() + retryAfter.toNanos()));
		}
		else {
			this.reloads.remove(backendKey);
		}
	}

	void evict(String cache, String backendKey) {
		this.changes.incrementAndGet();
		Cache<String, Kept> values = this.caches.get(cache);
		if (values != null) {
			values.invalidate(backendKey);
		}
		this.reloads.computeIfPresent(backendKey, (key, reload) -> reload.running() ? reload : null);
	}

	void evictAll(String cache) {
		this.changes.incrementAndGet();
		Cache<String, Kept> values = this.caches.get(cache);
		if (values != null) {
			values.invalidateAll();
		}
	}

	/** How many values are kept now, across caches. */
	long size() {
		return this.caches.values().stream().mapToLong(Cache::estimatedSize).sum();
	}

	// Entries leave memory once they may no longer be served, nor fall back on; maintenance
	// runs on the calling thread.
	private Cache<String, Kept> newCache(long maximumSize) {
		return Caffeine.newBuilder()
			.executor(Runnable::run)
			.maximumSize(maximumSize)
			.expireAfter(new Expiry<String, Kept>() {

				@Override
				public long expireAfterCreate(String key, Kept kept, long currentTime) {
					return untilGone(kept);
				}

				@Override
				public long expireAfterUpdate(String key, Kept kept, long currentTime, long currentDuration) {
					return untilGone(kept);
				}

				@Override
				public long expireAfterRead(String key, Kept kept, long currentTime, long currentDuration) {
					return currentDuration;
				}

			})
			.build();
	}

	/** A value kept, and until when (epoch milliseconds): its stale-until, or the end of its fail-safe window. */
	private record Kept(Envelope envelope, long keepUntil) {
	}

	/**
	 * A reload of a key's stale value: under way, or failed and not to be tried again
	 * before {@code retryAt} ({@link System#nanoTime()}).
	 */
	private record Reload(boolean running, long retryAt) {
	}

	private long untilGone(Kept kept) {
		return TimeUnit.MILLISECONDS.toNanos(Math.max(0, kept.keepUntil() - this.clock.millis()));
	}

}
