package dev.stampede;

/**
 * Who pays for refreshing a stale value.
 */
public enum RefreshMode {

	/** The caller that wins the refresh lease loads the new value and returns it. */
	INLINE,

	/**
	 * The caller that wins the refresh lease returns the stale value too; the load runs
	 * on Stampede's bounded refresh executor.
	 */
	ASYNC

}
