package dev.stampede;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Fail-safe: a value past its stale-until is still kept for {@code fail-safe-ttl} as the
 * fallback of the load that replaces it. When that load fails, or runs past
 * {@code hard-timeout}, its callers get the fallback, and the fallback is written back
 * fresh for {@code fail-safe-throttle}, so that no JVM loads the key again before then.
 * <p>
 * The window is judged when the value is read, from the cache's settings and the
 * value's own stale-until: records carry nothing of their own for it. A fallback written
 * back keeps the stale-until of the load that produced it, so serving it never extends
 * the window: a value is never served for longer than {@code ttl + stale-ttl +
 * fail-safe-ttl} after it was loaded.
 */
final class FailSafe {

	private FailSafe() {
	}

	/** Whether a value no longer servable at {@code nowMillis} is the fallback of its next load. */
	static boolean isFallbackAt(Envelope envelope, CacheSettings settings, long nowMillis) {
		return !settings.failSafeTtl().isZero() && !envelope.isServableAt(nowMillis)
				&& nowMillis < until(envelope, settings);
	}

	/**
	 * The fallback as it is written back after a failed load: fresh for
	 * {@code fail-safe-throttle} from {@code nowMillis}, never past its window, and never
	 * for less than it was fresh already (a failed early refresh).
	 * @return the value to write, or {@code null} when its window ended while the load ran
	 */
	static @Nullable Envelope throttled(Envelope fallback, CacheSettings settings, long nowMillis) {
		long until = until(fallback, settings);
		if (nowMillis >= until) {
			return null;
		}
		long throttled = Math.min(saturatedAdd(nowMillis, settings.failSafeThrottle().toMillis()), until);
		return new Envelope(fallback.value(), Math.max(fallback.freshUntil(), throttled), fallback.staleUntil(),
				fallback.loadMillis());
	}

	/** How long the backend keeps a fallback written back at {@code nowMillis}: to the end of its window. */
	static Duration keepFor(Envelope throttled, CacheSettings settings, long nowMillis) {
		return Duration.ofMillis(Math.max(1, until(throttled, settings) - nowMillis));
	}

	/**
	 * Whether a fallback answers {@code failure}, on the thread the load ended on: an
	 * exception of the loader does; an {@link Error}, and an interrupt of the thread, which
	 * is its caller stopping rather than the load failing, do not.
	 */
	static boolean covers(Throwable failure) {
		return failure instanceof Exception && !(failure instanceof InterruptedException)
				&& !(failure instanceof StampedeInterruptedException) && !Thread.currentThread().isInterrupted();
	}

	/** Until when a value is kept as a fallback: its stale-until, plus {@code fail-safe-ttl}. */
	static long keptUntil(Envelope envelope, CacheSettings settings) {
		return until(envelope, settings);
	}

	private static long until(Envelope envelope, CacheSettings settings) {
		return saturatedAdd(envelope.staleUntil(), settings.failSafeTtl().toMillis());
	}

	private static long saturatedAdd(long a, long b) {
		long sum = a + b;
		return (((a ^ sum) & (b ^ sum)) < 0) ? Long.MAX_VALUE : sum;
	}

}
