package dev.stampede.benchmarks.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class StampedeHarnessTests {

	private static final StampedeHarness.Settings SMALL = new StampedeHarness.Settings(2, 6, 3, Duration.ofMillis(100),
			Duration.ofSeconds(1), 2, Duration.ofSeconds(1), Duration.ofSeconds(3), Path.of("unused"));

	@Test
	void measuresStampedeInSeparateJvmsAcrossEveryPhase(@TempDir Path logs) throws Exception {
		List<StampedeHarness.Result> results = StampedeHarness.run(SMALL,
				List.of(Variant.STAMPEDE_MEMCACHED, Variant.CACHEABLE), logs);

		StampedeHarness.Result stampede = results.get(0);
		assertThat(stampede.coldRounds()).hasSize(3).allSatisfy((round) -> {
			assertThat(round.calls()).isEqualTo(12);
			assertThat(round.loads()).as("one load per round across both JVMs").isOne();
			assertThat(round.errors()).isZero();
			assertThat(round.latencies().getTotalCount()).isEqualTo(12);
			assertThat(round.backendCommands()).isPositive();
		});
		assertThat(stampede.hit().loads()).as("hit keys were primed and outlive the run").isZero();
		assertThat(stampede.hit().calls()).isGreaterThan(12);
		// 2 keys expiring every second for 3 s: a load per key and window, give or take the edges
		assertThat(stampede.hot().loads()).isBetween(2L, 10L);
		assertThat(stampede.hot().errors()).isZero();

		StampedeHarness.Result cacheable = results.get(1);
		assertThat(cacheable.variant()).isEqualTo(Variant.CACHEABLE);
		assertThat(cacheable.coldRounds()).allSatisfy((round) -> {
			assertThat(round.calls()).isEqualTo(12);
			assertThat(round.loads()).isPositive();
			assertThat(round.backendCommands()).as("every caller reads Redis at least once").isGreaterThanOrEqualTo(12);
		});
	}

	@Test
	void measuresCacheableOnStampedeAsOneLoadPerRoundAcrossJvms(@TempDir Path logs) throws Exception {
		List<StampedeHarness.Result> results = StampedeHarness.run(SMALL, List.of(Variant.CACHEABLE_ON_STAMPEDE), logs);

		assertThat(results.get(0).coldRounds()).hasSize(3).allSatisfy((round) -> {
			assertThat(round.calls()).isEqualTo(12);
			assertThat(round.loads()).as("a plain @Cacheable on Stampede loads once across both JVMs").isOne();
			assertThat(round.errors()).isZero();
		});
		assertThat(results.get(0).hit().loads()).as("hit keys were primed and outlive the run").isZero();
	}

}
