package dev.stampede.benchmarks.hitpath;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;

import com.sun.management.OperatingSystemMXBean;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler of the CPU time the benchmark's JVM spent per operation
 * ({@code cpu.time.norm}, ns/op): the benchmark thread with the garbage collection it
 * causes. Time spent waiting for a core is not counted, so it is a second view of a
 * run on cores that other processes share; their load still moves it, through the
 * caches and the collector's threads.
 * Run with {@code -prof dev.stampede.benchmarks.hitpath.CpuTimeProfiler}.
 */
public final class CpuTimeProfiler implements InternalProfiler {

	/** The label of its result. */
	public static final String LABEL = "cpu.time.norm";

	private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

	private long startNanos;

	@Override
	public String getDescription() {
		return "CPU time of the benchmark's JVM per operation";
	}

	@Override
	public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
		this.startNanos = this.os.getProcessCpuTime();
	}

	@Override
	public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
			IterationParams iterationParams, IterationResult result) {
		long operations = result.getMetadata().getAllOps();
		double perOperation = (operations > 0) ? (double) (this.os.getProcessCpuTime() - this.startNanos) / operations
				: Double.NaN;
		return List.of(new ScalarResult(LABEL, perOperation, "ns/op", AggregationPolicy.AVG));
	}

}
