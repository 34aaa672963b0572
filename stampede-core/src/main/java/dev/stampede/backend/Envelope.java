package dev.stampede.backend;

import org.jspecify.annotations.Nullable;

/**
 * A stored value with the facts needed to judge it: when it stops being fresh and
 * how long it took to compute.
 *
 * @param value the value, {@code null} when the loader returned {@code null}
 * @param freshUntil epoch milliseconds after which the value is no longer fresh
 * @param loadMillis how long the loader took to compute it
 */
public record Envelope(@Nullable Object value, long freshUntil, long loadMillis) {

	/** Whether the value is still fresh at {@code nowMillis}. */
	public boolean isFreshAt(long nowMillis) {
		return nowMillis < this.freshUntil;
	}

}
