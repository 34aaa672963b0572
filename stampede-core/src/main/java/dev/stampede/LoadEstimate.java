package dev.stampede;

/**
 * What the holder of a lease knows of its load, carried in the lease for the callers
 * that wait for it: how long the load is expected to take, and when the holder took
 * the lease by its own clock. Waiters measure the expected end on their own monotonic
 * clock from when they first saw the lease; the holder's start only tells them how old
 * it was by then. A holder's clock ahead of theirs makes the lease count as new, one
 * behind makes them give up on the estimate early and back off.
 *
 * @param expectedMillis how long the load is expected to take, or -1 when nothing is known
 * @param startedAtMillis when the holder took the lease, epoch milliseconds by its clock
 */
public record LoadEstimate(long expectedMillis, long startedAtMillis) {

	/** Nothing is known of the load: waiters back off as they would without an estimate. */
	public static final LoadEstimate UNKNOWN = new LoadEstimate(-1, 0);

	public LoadEstimate {
		if (expectedMillis < 0) {
			expectedMillis = -1;
			startedAtMillis = 0;
		}
	}

	/** Whether the holder expects a load time. */
	public boolean isKnown() {
		return this.expectedMillis >= 0;
	}

}
