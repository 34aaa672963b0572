package dev.stampede.benchmarks.harness;

import java.time.Duration;
import java.util.List;

import dev.stampede.benchmarks.worker.Worker;
import org.HdrHistogram.Histogram;

/**
 * What every JVM of a variant reported for one phase of the harness, added up.
 * @param calls protected method calls made
 * @param errors calls that failed or returned the wrong product, or were unfinished
 * @param unfinished calls still under way long after the phase ended, which the workers
 * gave up waiting for: their latency is the time they had waited then
 * @param loads database queries, that is, calls that reached the method's body
 * @param latencies every call's latency, in microseconds
 * @param backendCommands commands the cache server served meanwhile
 * @param length how long the callers ran
 */
public record Phase(long calls, long errors, long unfinished, long loads, Histogram latencies, long backendCommands,
		Duration length) {

	/**
	 * Adds up the answers of every JVM that start with {@code word}: {@code done}, or
	 * {@code before}, {@code during} or {@code after} a fault.
	 */
	static Phase of(String word, List<String> answers, long backendCommands, Duration length) {
		long calls = 0;
		long errors = 0;
		long unfinished = 0;
		long loads = 0;
		Histogram latencies = new Histogram(Worker.MAX_LATENCY_MICROS, 3);
		for (String answer : answers) {
			String[] done = answer.split(" ");
			if (done.length != 6 || !done[0].equals(word)) {
				throw new IllegalStateException("Unexpected answer from a worker: " + answer);
			}
			calls += Long.parseLong(done[1]);
			errors += Long.parseLong(done[2]);
			loads += Long.parseLong(done[3]);
			latencies.add(Worker.decode(done[4]));
			unfinished += Long.parseLong(done[5]);
		}
		return new Phase(calls, errors, unfinished, loads, latencies, backendCommands, length);
	}

	/** Latency at {@code percentile}, in milliseconds. */
	public double millisAt(double percentile) {
		return this.latencies.getValueAtPercentile(percentile) / 1000.0;
	}

	/** Calls that took at least {@code threshold}: they waited for a load. */
	public long callsSlowerThan(Duration threshold) {
		long micros = threshold.toNanos() / 1000;
		return (this.latencies.getMaxValue() < micros) ? 0
				: this.latencies.getCountBetweenValues(micros, this.latencies.getMaxValue());
	}

	/** Cache server commands per call. */
	public double commandsPerCall() {
		return (this.calls == 0) ? 0 : (double) this.backendCommands / this.calls;
	}

	/** Calls per second. */
	public double throughput() {
		return this.calls * 1000.0 / Math.max(1, this.length.toMillis());
	}

	/** Adds another phase's numbers to these, as if they were one phase. */
	Phase plus(Phase other) {
		Histogram sum = this.latencies.copy();
		sum.add(other.latencies);
		return new Phase(this.calls + other.calls, this.errors + other.errors, this.unfinished + other.unfinished,
				this.loads + other.loads, sum, this.backendCommands + other.backendCommands,
				this.length.plus(other.length));
	}

}
