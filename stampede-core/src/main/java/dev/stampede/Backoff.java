package dev.stampede;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * How a caller that lost the lease spaces its reads while it waits for the winner's
 * value: exponential growth from {@code initial} up to {@code max}, each pause
 * randomised by up to {@code jitter} of itself so that waiters in many JVMs do not
 * poll in lock step.
 *
 * @param initial first pause
 * @param max longest pause
 * @param multiplier growth of the pause from one read to the next, at least 1
 * @param jitter fraction of each pause that is randomised, from 0 (none) to 1
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {

	public Backoff {
		Settings.requirePositive("backoff.initial", initial);
		Settings.requirePositive("backoff.max", max);
		if (max.compareTo(initial) < 0) {
			throw new InvalidSettingException("backoff.max",
					"must not be shorter than backoff.initial (" + initial.toMillis() + " ms), was " + max.toMillis()
							+ " ms");
		}
		if (!(multiplier >= 1.0)) {
			throw new InvalidSettingException("backoff.multiplier", "must be at least 1.0, was " + multiplier);
		}
		if (!(jitter >= 0.0 && jitter <= 1.0)) {
			throw new InvalidSettingException("backoff.jitter", "must be between 0.0 and 1.0, was " + jitter);
		}
	}

	/**
	 * Starts a sequence of pauses for one wait.
	 */
	BackOffExecution start() {
		long initialMillis = Math.max(1, this.initial.toMillis());
		long maxMillis = Math.max(1, this.max.toMillis());
		ExponentialBackOff backOff = new ExponentialBackOff(initialMillis, this.multiplier);
		backOff.setMaxInterval(maxMillis);
		BackOffExecution exponential = backOff.start();
		if (this.jitter == 0) {
			return exponential;
		}
		// Jitter of its own rather than Spring Framework 7's, so that Spring Framework 6 runs it too.
		return () -> {
			long pause = exponential.nextBackOff();
			if (pause == BackOffExecution.STOP) {
				return pause;
			}
			long spread = Math.round(pause * this.jitter);
			long jittered = pause - spread + ThreadLocalRandom.current().nextLong(2 * spread + 1);
			return Math.min(maxMillis, Math.max(initialMillis, jittered));
		};
	}

}
