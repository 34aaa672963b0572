package dev.stampede.benchmarks.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import dev.stampede.test.MemcachedServer;
import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class StampedeHarnessTests {

	private static final StampedeHarness.Settings SMALL = new StampedeHarness.Settings(2, 6, 3, Duration.ofMillis(100),
			Duration.ofSeconds(1), 2, Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(1),
			EnumSet.of(PhaseKind.COLD, PhaseKind.HIT, PhaseKind.HOT), Path.of("unused"));

	// A 500 ms TTL and a 1 s fault: each fault phase lasts 2.5 s.
	private static final StampedeHarness.Settings EVERY_PHASE = new StampedeHarness.Settings(2, 6, 3,
			Duration.ofMillis(100), Duration.ofMillis(500), 2, Duration.ofSeconds(1), Duration.ofSeconds(1),
			Duration.ofSeconds(1), EnumSet.allOf(PhaseKind.class), Path.of("unused"));

	@Test
	void measuresStampedeInSeparateJvmsAcrossColdHitAndHotPhases(@TempDir Path logs) throws Exception {
		List<StampedeHarness.Result> results = StampedeHarness.run(SMALL, List.of(Variant.STAMPEDE_MEMCACHED), logs);

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
		assertThat(stampede.faults()).isEmpty();
		assertThat(stampede.failure()).isNull();
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

	// Spring's Redis cache hands every failure of Redis to its caller: an error for each
	// call that met the server away, whatever Stampede does about faults.
	@Test
	void measuresCacheableAcrossEveryPhasePausingAndKillingTheCacheServerForTheFaultTime(@TempDir Path logs)
			throws Exception {
		try (MemcachedServer memcached = new MemcachedServer(); RedisServer redis = new RedisServer()) {
			memcached.start();
			redis.start();
			int port = redis.port();
			String runId = runId(redis);

			StampedeHarness.Result result = new StampedeHarness(EVERY_PHASE, memcached, redis, logs)
				.run(Variant.CACHEABLE);

			assertThat(result.coldRounds()).hasSize(3).allSatisfy((round) -> {
				assertThat(round.calls()).isEqualTo(12);
				assertThat(round.loads()).isPositive();
				assertThat(round.backendCommands()).as("every caller reads Redis at least once")
					.isGreaterThanOrEqualTo(12);
			});
			assertThat(result.hit()).isNotNull();
			assertThat(result.hot()).isNotNull();
			assertThat(result.faults()).extracting(FaultPhase::kind).containsExactly(PhaseKind.PAUSE, PhaseKind.KILL);
			assertThat(result.failure()).isNull();
			FaultPhase pause = result.fault(PhaseKind.PAUSE);
			assertThat(pause.before().errors()).isZero();
			assertThat(pause.before().loads()).as("keys kept expiring before the fault").isPositive();
			assertThat(pause.before().backendCommands()).isPositive();
			assertThat(pause.during().errors()).as("calls timed out on the frozen server").isPositive();
			assertThat(pause.during().millisAt(100)).as("the client's 500 ms timeout").isGreaterThanOrEqualTo(500);
			assertThat(pause.after().calls()).isPositive();
			assertThat(pause.before().calls() + pause.during().calls() + pause.after().calls())
				.isEqualTo(pause.whole().calls());
			FaultPhase kill = result.fault(PhaseKind.KILL);
			assertThat(kill.before().errors()).isZero();
			assertThat(kill.during().errors()).as("calls failed on the dead server").isPositive();
			assertThat(redis.isRunning()).isTrue();
			assertThat(redis.port()).isEqualTo(port);
			assertThat(runId(redis)).as("a new server process").isNotEqualTo(runId);
		}
	}

	private static String runId(RedisServer redis) {
		RedisClient client = RedisClient.create(RedisURI.create(ServerProcess.HOST, redis.port()));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			String info = connection.sync().info("server");
			return info.lines().filter((line) -> line.startsWith("run_id:")).findFirst().orElseThrow();
		}
		finally {
			client.shutdown();
		}
	}

}
