package dev.stampede.backend;

import java.lang.reflect.Type;
import java.time.Duration;

import dev.stampede.Envelope;
import dev.stampede.LoadEstimate;
import dev.stampede.StampedeBackendException;

/**
 * Stores values and leases, one slot per key, shared by every engine that talks to
 * it. Implementations must make {@link #tryLease}, {@link #fulfilLease} and
 * {@link #abandonLease} atomic on the server: they are what keeps a stampede to one
 * loader call. Every method may throw {@link StampedeBackendException} when the
 * backend cannot be reached, and {@link dev.stampede.StampedeInterruptedException}
 * when the calling thread is interrupted, which is no failure of the backend.
 * {@link KeyValueBackend} implements it over a store's primitives.
 */
public interface StampedeBackend extends AutoCloseable {

	/** Short name of the backend, such as {@code memcached}, for messages and metrics. */
	String name();

	/**
	 * Whether this backend keeps its entries in this JVM, so that reading one costs
	 * less than coalescing concurrent reads into a single flight; a fresh hit is then
	 * read directly. {@code false} for anything across a network.
	 */
	default boolean isInProcess() {
		return false;
	}

	/**
	 * Reads the slot of a key, decoding a stored value as {@code valueType}. The type
	 * bounds what the codec reads: bytes that another writer chose never make it
	 * instantiate a class that type does not reach (see
	 * {@link dev.stampede.codec.ValueCodec#decode}). A value that cannot or may not be
	 * read is {@link Slot.Unreadable}, with its reason; a backend that keeps objects
	 * rather than bytes may ignore the type.
	 * @param valueType what the caller expects: a call site's declared type, or {@code Object}
	 */
	Slot read(String key, Type valueType);

	/**
	 * Reads the slot of a key whose value may be of any type: a value decodes only into
	 * the JDK's value types and the codec's allowed packages.
	 */
	default Slot read(String key) {
		return read(key, Object.class);
	}

	/**
	 * Takes the lease on a key if its slot has not changed since {@code observed} was
	 * read: an empty slot must still be empty, a stored value must still be the same
	 * version. A slot that holds a lease is never taken.
	 * @return whether this caller now holds the lease
	 */
	boolean tryLease(String key, Slot observed, String token, Duration leaseTtl);

	/**
	 * Takes the lease as {@link #tryLease(String, Slot, String, Duration)} does, and
	 * keeps {@code estimate} with it, so that callers that read the lease can wait for
	 * the load's expected end ({@link Slot.Leased#estimate}). The default drops the
	 * estimate: waiters then back off as they do without one.
	 * @return whether this caller now holds the lease
	 */
	default boolean tryLease(String key, Slot observed, String token, Duration leaseTtl, LoadEstimate estimate) {
		return tryLease(key, observed, token, leaseTtl);
	}

	/**
	 * Replaces the lease {@code token} holds with a value. Nothing is written when the
	 * slot no longer holds that lease (it expired, or the key was evicted while the
	 * value was computed): an eviction is never undone. Backends that notify tell every
	 * engine's waiters that the lease ended, with the write where they can.
	 * @param cache the key's cache, which names the notification
	 * @return whether the value was written
	 * @throws dev.stampede.StampedeValueTooLargeException if the value is too large to store
	 */
	boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl);

	/**
	 * Removes the lease {@code token} holds, if the slot still holds it. Backends that
	 * notify tell every engine's waiters that the lease ended.
	 * @param cache the key's cache, which names the notification
	 */
	void abandonLease(String cache, String key, String token);

	/**
	 * Takes the refresh lease of a key whose value is stale or due for early refresh.
	 * It lives beside the slot, so the stored value stays readable while one caller
	 * refreshes it.
	 * @return whether this caller now holds the refresh lease
	 */
	boolean tryRefreshLease(String key, String token, Duration leaseTtl);

	/**
	 * Replaces a stored value with a new one if the slot still holds the version that
	 * was read. Nothing is written when the key was evicted or changed meanwhile: an
	 * eviction is never undone.
	 * @return whether the value was written
	 */
	boolean replace(String key, long version, Envelope envelope, Duration ttl);

	/** Ends the refresh lease {@code token} holds, if it still holds it. */
	void releaseRefreshLease(String key, String token);

	/** Removes whatever the slot holds, a value or a lease, and ends the key's refresh lease. */
	void evict(String key);

	/**
	 * Returns the generation of a namespace (one cache's keys), creating it if there is
	 * none. A generation that the backend lost is created anew, larger than any before,
	 * so losing it empties the namespace rather than bringing old values back.
	 * @param key the backend key that holds the namespace's generation
	 */
	long generation(String key);

	/**
	 * Moves a namespace to a new generation: every key of the old one becomes
	 * unreachable at once, and expires on its own.
	 * @return the new generation
	 */
	long nextGeneration(String key);

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
	 * Shortest lease this backend can keep: a store that expires items in whole seconds
	 * cannot hold a lease for less than one.
	 */
	default Duration minimumLeaseTtl() {
		return Duration.ZERO;
	}

	/**
	 * Longest time this backend can keep an entry ({@code ttl} plus {@code stale-ttl}),
	 * beyond which its expiry cannot be expressed.
	 */
	default Duration maximumTtl() {
		return Duration.ofSeconds(Long.MAX_VALUE);
	}

	/** Releases connections and threads. */
	@Override
	default void close() {
	}

}
