package dev.stampede.backend.local;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.stampede.Envelope;
import dev.stampede.LoadEstimate;
import dev.stampede.backend.KeyEvent;
import dev.stampede.backend.KeyEventListener;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import org.jspecify.annotations.Nullable;

/**
 * Keeps values and leases in this JVM, in a size-bounded Caffeine cache whose
 * entries expire after their own TTL. Engines that share one instance wake each
 * other's waiters directly. Values are stored by reference, not copied:
 * like any in-process cache, a caller that mutates a returned value mutates the
 * cached one.
 * <p>
 * It implements {@link StampedeBackend} directly rather than over
 * {@link dev.stampede.backend.KeyValueBackend}'s bytes: it keeps each key's
 * {@link Slot} itself, so that an in-process hit is one map look-up that returns the
 * stored slot, with nothing to decode and no copy of the value.
 */
public final class LocalBackend implements StampedeBackend {

	private final Cache<String, Entry> entries;

	private final AtomicLong versions = new AtomicLong();

	private final List<KeyEventListener> listeners = new CopyOnWriteArrayList<>();

	private final Cache<String, RefreshLease> refreshLeases;

	private final Map<String, AtomicLong> generations = new ConcurrentHashMap<>();

	private final long maximumSize;

	/**
	 * Creates a backend that holds at most {@code maximumSize} keys, evicting the least
	 * valuable first when it is full.
	 */
	public LocalBackend(long maximumSize) {
		this.maximumSize = maximumSize;
		// Maintenance runs on the calling thread: handing it to the common pool costs a
		// thread wake-up every few reads, more than the maintenance itself.
		this.entries = Caffeine.newBuilder()
			.executor(Runnable::run)
			.maximumSize(maximumSize)
			.expireAfter(new DeadlineExpiry<Entry>())
			.build();
		this.refreshLeases = Caffeine.newBuilder()
			.executor(Runnable::run)
			.maximumSize(maximumSize)
			.expireAfter(new DeadlineExpiry<RefreshLease>())
			.build();
	}

	@Override
	public String name() {
		return "local";
	}

	@Override
	public String toString() {
		return "local, in this JVM, at most " + this.maximumSize + " keys";
	}

	@Override
	public boolean isInProcess() {
		return true;
	}

	// Values are the loaders' own objects, never decoded: the engine checks their type.
	@Override
	public Slot read(String key, Type valueType) {
		Entry entry = this.entries.getIfPresent(key);
		return (entry != null) ? entry.slot : Slot.EMPTY;
	}

	@Override
	public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl) {
		return tryLease(key, observed, token, leaseTtl, LoadEstimate.UNKNOWN);
	}

	@Override
	public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl, LoadEstimate estimate) {
		Entry lease = new Entry(new Slot.Leased(token, estimate), deadline(leaseTtl));
		Entry[] taken = new Entry[1];
		this.entries.asMap().compute(key, (k, current) -> {
			boolean unchanged = (current == null) ? observed instanceof Slot.Empty : version(current.slot) != -1
					&& version(current.slot) == version(observed);
			if (unchanged) {
				taken[0] = lease;
				return lease;
			}
			return current;
		});
		return taken[0] != null;
	}

	@Override
	public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
		Entry value = new Entry(new Slot.Present(envelope, this.versions.incrementAndGet()), deadline(ttl));
		Entry[] written = new Entry[1];
		this.entries.asMap().computeIfPresent(key, (k, current) -> {
			if (holds(current, token)) {
				written[0] = value;
				return value;
			}
			return current;
		});
		if (written[0] == null) {
			return false;
		}
		notify(KeyEvent.LEASE_ENDED, cache, key);
		return true;
	}

	@Override
	public void abandonLease(String cache, String key, String token) {
		boolean[] removed = new boolean[1];
		this.entries.asMap().computeIfPresent(key, (k, current) -> {
			removed[0] = holds(current, token);
			return removed[0] ? null : current;
		});
		if (removed[0]) {
			notify(KeyEvent.LEASE_ENDED, cache, key);
		}
	}

	@Override
	public boolean tryRefreshLease(String key, String token, Duration leaseTtl) {
		RefreshLease lease = new RefreshLease(token, deadline(leaseTtl));
		return this.refreshLeases.asMap().putIfAbsent(key, lease) == null;
	}

	@Override
	public boolean replace(String key, long version, Envelope envelope, Duration ttl) {
		Entry value = new Entry(new Slot.Present(envelope, this.versions.incrementAndGet()), deadline(ttl));
		Entry[] written = new Entry[1];
		this.entries.asMap().computeIfPresent(key, (k, current) -> {
			if (version(current.slot) == version && current.slot instanceof Slot.Present) {
				written[0] = value;
				return value;
			}
			return current;
		});
		return written[0] != null;
	}

	@Override
	public void releaseRefreshLease(String key, String token) {
		this.refreshLeases.asMap().computeIfPresent(key, (k, lease) -> lease.token().equals(token) ? null : lease);
	}

	@Override
	public void evict(String key) {
		this.entries.invalidate(key);
		this.refreshLeases.invalidate(key);
	}

	@Override
	public long generation(String key) {
		return this.generations.computeIfAbsent(key, (k) -> new AtomicLong()).get();
	}

	@Override
	public long nextGeneration(String key) {
		return this.generations.computeIfAbsent(key, (k) -> new AtomicLong()).incrementAndGet();
	}

	@Override
	public void publishEviction(String cache, String key) {
		notify(KeyEvent.EVICTED, cache, key);
	}

	@Override
	public AutoCloseable subscribe(KeyEventListener listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	private void notify(KeyEvent event, String cache, String key) {
		this.listeners.forEach((listener) -> listener.onKeyEvent(event, cache, key));
	}

	private static boolean holds(Entry entry, String token) {
		return entry.slot instanceof Slot.Leased leased && leased.token().equals(token);
	}

	private static long version(Slot slot) {
		if (slot instanceof Slot.Present present) {
			return present.version();
		}
		if (slot instanceof Slot.Unreadable unreadable) {
			return unreadable.version();
		}
		return -1;
	}

	// Caffeine's default ticker is System.nanoTime(), so an absolute deadline stays
	// right whether compute() keeps an entry or replaces it.
	private static long deadline(Duration ttl) {
		return System.nanoTime() + ttl.toNanos();
	}

	private interface Expiring {

		long expiresAtNanos();

	}

	private record Entry(Slot slot, long expiresAtNanos) implements Expiring {
	}

	private record RefreshLease(String token, long expiresAtNanos) implements Expiring {
	}

	private static final class DeadlineExpiry<V extends Expiring> implements Expiry<String, V> {

		@Override
		public long expireAfterCreate(String key, V value, long currentTime) {
			return value.expiresAtNanos() - currentTime;
		}

		@Override
		public long expireAfterUpdate(String key, V value, long currentTime, long currentDuration) {
			return value.expiresAtNanos() - currentTime;
		}

		@Override
		public long expireAfterRead(String key, V value, long currentTime, long currentDuration) {
			return currentDuration;
		}

	}

}
