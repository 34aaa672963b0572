package dev.stampede.benchmarks.worker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerTests {

	private final Database database = new Database(Duration.ofMillis(20));

	@Test
	void coldRoundCallsOnceFromEveryThreadAndReportsQueriesAndLatencies() throws Exception {
		Set<String> threads = ConcurrentHashMap.newKeySet();
		Worker worker = new Worker((key) -> {
			threads.add(Thread.currentThread().getName());
			return this.database.load(key);
		}, this.database, 8);

		List<String> answers = serve(worker, "cold k1 " + (System.currentTimeMillis() + 100) + "\nquit\n");

		assertThat(answers).hasSize(2).first().isEqualTo(Worker.PREFIX + " ready");
		String[] done = answers.get(1).split(" ");
		assertThat(done[1]).isEqualTo("done");
		assertThat(done[2]).as("calls").isEqualTo("8");
		assertThat(done[3]).as("errors").isEqualTo("0");
		assertThat(done[4]).as("queries").isEqualTo("8");
		Histogram latencies = Worker.decode(done[5]);
		assertThat(latencies.getTotalCount()).isEqualTo(8);
		assertThat(latencies.getMinValue()).isGreaterThanOrEqualTo(20_000);
		assertThat(threads).hasSize(8);
	}

	@Test
	void hotRunReadsRandomKeysOfThePrefixUntilTheEndAndCountsWrongValuesAsErrors() throws Exception {
		Set<String> keys = ConcurrentHashMap.newKeySet();
		Worker worker = new Worker((key) -> {
			keys.add(key);
			return key.endsWith("-3") ? Product.of("another") : Product.of(key);
		}, this.database, 4);
		long start = System.currentTimeMillis() + 50;

		List<String> answers = serve(worker, "prime k 4\nhot k 4 " + start + " " + (start + 200) + "\n");

		assertThat(answers.get(1)).isEqualTo(Worker.PREFIX + " primed");
		String[] done = answers.get(2).split(" ");
		long calls = Long.parseLong(done[2]);
		assertThat(calls).isGreaterThan(4);
		assertThat(Long.parseLong(done[3])).as("errors: the calls of k-3").isBetween(1L, calls - 1);
		assertThat(Worker.decode(done[5]).getTotalCount()).isEqualTo(calls);
		assertThat(keys).containsExactlyInAnyOrder("k-0", "k-1", "k-2", "k-3");
	}

	private static List<String> serve(Worker worker, String commands) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		worker.serve(new ByteArrayInputStream(commands.getBytes(StandardCharsets.UTF_8)),
				new PrintStream(out, true, StandardCharsets.UTF_8));
		return out.toString(StandardCharsets.UTF_8).lines().toList();
	}

}
