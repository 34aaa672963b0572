package dev.stampede.backend;

import java.time.Duration;

import dev.stampede.CacheSettings;
import dev.stampede.StampedeBackendException;

/**
 * Stores values and leases, one slot per key, shared by every engine that talks to
 * it. Implementations must make {@link #tryLease}, {@link #fulfilLease} and
 * {@link #abandonLease} atomic on the server: they are what keeps a stampede to one
 * loader call. Every method may throw {@link StampedeBackendException} when the
 * backend cannot be reached.
 */
public interface StampedeBackend extends AutoCloseable {

	/** Short name of the backend, such as {@code memcached}, for messages and metrics. */
	String name();

	/** Reads the slot of a key. */
	Slot read(String key);

	/**
	 * Takes the lease on a key if its slot has not changed since {@code observed} was
	 * read: an empty slot must still be empty, a stored value must still be the same
	 * version. A slot that holds a lease is never taken.
	 * @return whether this caller now holds the lease
	 */
	boolean tryLease(String key, Slot observed, String token, Duration leaseTtl);

	/**
	 * Replaces the lease {@code token} holds with a value. Nothing is written when the
	 * slot no longer holds that lease (it expired, or the key was evicted while the
	 * value was computed): an eviction is never undone. Backends that notify tell every
	 * engine's waiters that the lease ended, with the write where they can.
	 * @param cache the key's cache, which names the notification
	 * @return whether the value was written
	 */
	boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl);

	/**
	 * Removes the lease {@code token} holds, if the slot still holds it. Backends that
	 * notify tell every engine's waiters that the lease ended.
	 * @param cache the key's cache, which names the notification
	 */
	void abandonLease(String cache, String key, String token);

	/** Removes whatever the slot holds: a value or a lease. */
	void evict(String key);

	/**
	 * Tells the engines of every JVM on this backend that a key was evicted, so that
	 * their local tiers drop it. Delivery is best effort: local tiers still expire.
	 * Backends that cannot notify do nothing.
	 */
	default void publishEviction(String cache, String key) {
	}

	/**
	 * Delivers the key events of every engine on this backend to {@code listener}
	 * until the returned subscription is closed. Backends that cannot notify deliver
	 * nothing, and waiters rely on polling alone.
	 */
	default AutoCloseable subscribe(KeyEventListener listener) {
		return () -> {
		};
	}

	/**
	 * Checks settings against the limits of this backend.
	 * @throws dev.stampede.InvalidSettingException if this backend cannot honour them
	 */
	default void validate(CacheSettings settings) {
	}

	/** Releases connections and threads. */
	@Override
	default void close() {
	}

}
