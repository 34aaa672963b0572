package dev.stampede.benchmarks.worker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

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
		assertThat(done[6]).as("unfinished").isEqualTo("0");
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

	@Test
	void aCallThatNeverReturnsIsCountedUnfinishedAndTheAnswerDoesNotWaitForIt() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		Worker worker = new Worker((key) -> {
			if (key.equals("k-0")) {
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return Product.of(key);
		}, this.database, 2, Duration.ofMillis(300));
		long start = System.currentTimeMillis() + 50;
		try {
			List<String> answers = serve(worker, "hot k 2 " + start + " " + (start + 300) + "\n");

			String[] done = answers.get(1).split(" ");
			long calls = Long.parseLong(done[2]);
			assertThat(done[6]).as("both callers end up waiting on k-0").isEqualTo("2");
			assertThat(done[3]).as("errors").isEqualTo("2");
			Histogram latencies = Worker.decode(done[5]);
			assertThat(latencies.getTotalCount()).isEqualTo(calls);
			assertThat(latencies.getMaxValue()).as("waited past the end and the grace").isGreaterThanOrEqualTo(300_000);
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void primeReadsAFailingKeyAgainUntilItIsCached() throws Exception {
		Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
		Worker worker = new Worker((key) -> {
			if (reads.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet() <= 2 && key.equals("k-1")) {
				throw new IllegalStateException("connection initialization timed out");
			}
			return Product.of(key);
		}, this.database, 1);

		List<String> answers = serve(worker, "prime k 2\n");

		assertThat(answers.get(1)).isEqualTo(Worker.PREFIX + " primed");
		assertThat(reads.get("k-0")).hasValue(1);
		assertThat(reads.get("k-1")).hasValue(3);
	}

	@Test
	void primeGivesUpOnAKeyThatKeepsFailing() {
		AtomicInteger reads = new AtomicInteger();
		Worker worker = new Worker((key) -> {
			reads.incrementAndGet();
			throw new IllegalStateException("server gone");
		}, this.database, 1);

		assertThatIllegalStateException().isThrownBy(() -> serve(worker, "prime k 1\n")).withMessage("server gone");
		assertThat(reads).hasValue(5);
	}

	@Test
	void faultRunSplitsItsCallsAndQueriesBeforeWithinAndAfterItsWindow() throws Exception {
		long start = System.currentTimeMillis() + 50;
		long from = start + 200;
		long to = from + 400;
		// The reader queries and fails only well inside the window, so that every query
		// begins within it even when the sampling thread wakes a little late.
		Worker worker = new Worker((key) -> {
			long now = System.currentTimeMillis();
			if (now >= from + 100 && now < to - 100) {
				this.database.load(key);
				throw new IllegalStateException("cache server away");
			}
			return Product.of(key);
		}, this.database, 4);

		List<String> answers = serve(worker, "fault k 4 " + start + " " + from + " " + to + " " + (to + 200) + "\n");

		assertThat(answers).hasSize(5);
		String[] done = answers.get(1).split(" ");
		String[] before = answers.get(2).split(" ");
		String[] during = answers.get(3).split(" ");
		String[] after = answers.get(4).split(" ");
		assertThat(List.of(done[1], before[1], during[1], after[1])).containsExactly("done", "before", "during", "after");
		long queries = Long.parseLong(done[4]);
		assertThat(queries).isPositive();
		assertThat(during[4]).as("queries begun within the window").isEqualTo(done[4]);
		assertThat(during[3]).as("every failed call overlapped the window").isEqualTo(done[3]).isEqualTo(done[4]);
		assertThat(List.of(before[3], before[4], after[3], after[4])).containsOnly("0");
		long calls = Long.parseLong(done[2]);
		assertThat(Long.parseLong(before[2]) + Long.parseLong(during[2]) + Long.parseLong(after[2])).isEqualTo(calls);
		assertThat(Long.parseLong(before[2])).isPositive();
		assertThat(Long.parseLong(after[2])).isPositive();
		Histogram duringLatencies = Worker.decode(during[5]);
		assertThat(duringLatencies.getTotalCount()).isEqualTo(Long.parseLong(during[2]));
		assertThat(duringLatencies.getMaxValue()).as("a failing call queried for 20 ms").isGreaterThanOrEqualTo(20_000);
	}

	@Test
	void faultRunRefusesAWindowThatEndsAfterTheRun() {
		Worker worker = new Worker(Product::of, this.database, 1);
		long start = System.currentTimeMillis();

		assertThatIllegalArgumentException()
			.isThrownBy(() -> serve(worker, "fault k 1 " + start + " " + start + " " + (start + 200) + " " + (start + 100)))
			.withMessageContaining("ends after its run");
	}

	private static List<String> serve(Worker worker, String commands) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		worker.serve(new ByteArrayInputStream(commands.getBytes(StandardCharsets.UTF_8)),
				new PrintStream(out, true, StandardCharsets.UTF_8));
		return out.toString(StandardCharsets.UTF_8).lines().toList();
	}

}
