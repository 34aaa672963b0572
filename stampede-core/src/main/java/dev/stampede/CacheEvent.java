package dev.stampede;

/**
 * What happened along a protected call, counted per cache: the facts behind its
 * {@link Outcome}. One call may count several (a miss that then wins the lease counts
 * {@link #MISS} and {@link #LEASE_WON}) or none, so these do not add up to the calls
 * made; {@link Outcome}s do.
 */
public enum CacheEvent {

	/** A fresh value was read from the backend. */
	HIT,

	/** A fresh value was read from this JVM's local tier, without the backend. */
	LOCAL_HIT,

	/** A stale value was served while one caller refreshes it. */
	STALE,

	/**
	 * No servable value was found: a caller then takes the lease or waits for its
	 * holder; a plain read answers "absent".
	 */
	MISS,

	/** The caller won the lease and called the loader. */
	LEASE_WON,

	/** The caller lost the lease and waited for the winner's value. */
	LEASE_LOST,

	/** The call joined a resolution already under way for the same key in this JVM. */
	JOINED,

	/** The wait for another caller's value ran out ({@code max-wait}). */
	WAIT_TIMEOUT,

	/** The backend failed. */
	BACKEND_ERROR,

	/** The loader was called directly, its result not cached: after a backend failure or a wait timeout. */
	CALL_THROUGH,

	/**
	 * The backend held something this call could not use: bytes of another program or
	 * version, or a value of another type than the call site returns. Treated as a miss.
	 */
	UNREADABLE,

	/** A loaded value was returned but could not be stored, being too large for the backend. */
	NOT_STORED,

	/** A stale or early-expiring value was refreshed. */
	REFRESH,

	/** A refresh failed; the old value is served on. */
	REFRESH_ERROR,

	/**
	 * A load ran past {@code soft-timeout} or {@code hard-timeout}: its callers stopped
	 * waiting for it, and it went on in the background.
	 */
	LOAD_TIMEOUT

}
