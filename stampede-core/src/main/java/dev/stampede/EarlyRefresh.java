package dev.stampede;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Probabilistic early expiration (XFetch): a fresh value is refreshed before it
 * expires when {@code now - loadTime * beta * ln(random)} reaches its expiry, so the
 * nearer the expiry and the slower the load, the likelier a caller refreshes it, and
 * callers across JVMs rarely do so together.
 */
final class EarlyRefresh {

	private final DoubleSupplier random;

	/** Draws from {@link ThreadLocalRandom}. */
	EarlyRefresh() {
		this(() -> ThreadLocalRandom.current().nextDouble());
	}

	/** @param random uniform draws in {@code [0, 1)} */
	EarlyRefresh(DoubleSupplier random) {
		this.random = random;
	}

	/** Whether the caller that read {@code envelope} at {@code nowMillis} should refresh it now. */
	boolean isDue(double beta, Envelope envelope, long nowMillis) {
		if (beta <= 0) {
			return false;
		}
		// 1 - [0, 1) is in (0, 1], whose logarithm is finite.
		double draw = 1.0 - this.random.getAsDouble();
		return nowMillis - envelope.loadMillis() * beta * Math.log(draw) >= envelope.freshUntil();
	}

}
