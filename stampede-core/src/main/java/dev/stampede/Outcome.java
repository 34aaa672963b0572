package dev.stampede;

/**
 * How a protected call ended, from the caller's side: exactly one per call, so the
 * outcomes of a cache add up to its calls and give its hit ratio. A call that joined
 * another call's resolution in this JVM ends as that resolution did. What happened
 * along the way is counted apart, by {@link CacheEvent}.
 */
public enum Outcome {

	/** A fresh cached value: from the backend, or from this JVM's local tier. */
	HIT,

	/** A stale value, served while one caller refreshes it. */
	STALE,

	/**
	 * An older value served because the load failed or ran past {@code hard-timeout}: a
	 * value kept for {@code fail-safe-ttl}, or the stale value being refreshed.
	 */
	FAIL_SAFE,

	/**
	 * An older value served because the load ran past {@code soft-timeout}; the load goes
	 * on in the background and stores its value.
	 */
	SOFT_TIMEOUT,

	/** This call's resolution won the lease (or a refresh lease) and ran the method. */
	LOADED,

	/** Another caller held the lease: this call waited and got that caller's value. */
	WAITED,

	/** The method was called directly and its value not cached: the backend failed or the wait ran out. */
	CALL_THROUGH,

	/**
	 * The backend was failing, and a value this JVM loaded while it failed answered:
	 * fresh, or stale while one caller of this JVM reloads it.
	 */
	DEGRADED_HIT,

	/** The call threw: the method's exception, or a failure policy's. */
	ERROR

}
