package dev.stampede;

/**
 * What a call does when Stampede cannot give it a cached value: the backend failed,
 * or the wait for another caller's value ran out.
 */
public enum FailurePolicy {

	/** Call the protected method directly and return its result without caching it. */
	CALL_THROUGH,

	/** Raise a {@link StampedeException} that says what failed. */
	FAIL

}
