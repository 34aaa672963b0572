package dev.stampede;

import java.time.Duration;

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
		// Spring's jitter is an absolute amount scaled by interval / initial, so a jitter of
		// (fraction * initial) randomises every pause by that fraction of itself.
		ExponentialBackOff backOff = new ExponentialBackOff(Math.max(1, this.initial.toMillis()), this.multiplier);
		backOff.setMaxInterval(Math.max(1, this.max.toMillis()));
		backOff.setJitter(Math.round(this.jitter * this.initial.toMillis()));
		return backOff.start();
	}

}
