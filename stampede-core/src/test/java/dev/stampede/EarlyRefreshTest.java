package dev.stampede;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EarlyRefreshTest {

	private static final long FRESH_UNTIL = 10_000;

	private static final long LOAD_MILLIS = 200;

	private final Envelope envelope = new Envelope("value", FRESH_UNTIL, FRESH_UNTIL, LOAD_MILLIS);

	@Test
	void aBetaOfZeroNeverRefreshesEarly() {
		EarlyRefresh earlyRefresh = new EarlyRefresh(() -> 0.999_999);
		assertThat(earlyRefresh.isDue(0, this.envelope, FRESH_UNTIL - 1)).isFalse();
	}

	@Test
	void aDrawIsDueExactlyWhenTheFormulaReachesTheExpiry() {
		double draw = 0.8;
		// now - loadMillis * beta * ln(1 - draw) >= freshUntil
		double reach = -LOAD_MILLIS * 1.0 * Math.log(1 - draw);
		long due = (long) Math.ceil(FRESH_UNTIL - reach);
		EarlyRefresh earlyRefresh = new EarlyRefresh(() -> draw);
		assertThat(earlyRefresh.isDue(1.0, this.envelope, due)).isTrue();
		assertThat(earlyRefresh.isDue(1.0, this.envelope, due - 1)).isFalse();
	}

	@Test
	void theShareOfCallersThatRefreshMatchesTheFormulasProbability() {
		int draws = 100_000;
		AtomicInteger next = new AtomicInteger();
		// Evenly spread draws stand for a uniform random source.
		EarlyRefresh earlyRefresh = new EarlyRefresh(() -> (next.getAndIncrement() % draws + 0.5) / draws);
		double beta = 2.0;
		for (long gap : new long[] { 50, 200, 800 }) {
			int due = 0;
			for (int i = 0; i < draws; i++) {
				if (earlyRefresh.isDue(beta, this.envelope, FRESH_UNTIL - gap)) {
					due++;
				}
			}
			// P(-loadMillis * beta * ln(U) >= gap) = exp(-gap / (loadMillis * beta))
			double expected = Math.exp(-gap / (LOAD_MILLIS * beta));
			assertThat((double) due / draws).as("share due %d ms before expiry", gap).isCloseTo(expected, within(0.001));
		}
	}

	@Test
	void aValueAtOrPastItsExpiryIsAlwaysDue() {
		EarlyRefresh earlyRefresh = new EarlyRefresh(() -> 0.0);
		assertThat(earlyRefresh.isDue(1.0, this.envelope, FRESH_UNTIL)).isTrue();
	}

}
