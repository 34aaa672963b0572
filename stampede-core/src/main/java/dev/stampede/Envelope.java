package dev.stampede;

import org.jspecify.annotations.Nullable;

/**
 * A stored value with the facts needed to judge it: until when it is fresh, until
 * when it may still be served stale while one caller refreshes it, and how long it
 * took to compute.
 *
 * @param value the value, {@code null} when the loader returned {@code null}
 * @param freshUntil epoch milliseconds after which the value is no longer fresh
 * @param staleUntil epoch milliseconds after which the value may no longer be served
 * at all; equal to {@code freshUntil} when stale serving is off. A value kept by fail-safe
 * keeps the stale-until of its load, which may then come before {@code freshUntil}: the
 * fail-safe window is counted from it, so serving a fallback never extends the window
 * @param loadMillis how long the loader took to compute it
 */
public record Envelope(@Nullable Object value, long freshUntil, long staleUntil, long loadMillis) {

	/** Whether the value is still fresh at {@code nowMillis}. */
	public boolean isFreshAt(long nowMillis) {
		return nowMillis < this.freshUntil;
	}

	/** Whether the value may be served, fresh or stale, at {@code nowMillis}. */
	public boolean isServableAt(long nowMillis) {
		return nowMillis < this.staleUntil;
	}

}
