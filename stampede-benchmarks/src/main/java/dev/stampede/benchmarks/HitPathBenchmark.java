package dev.stampede.benchmarks;

import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.stampede.Loader;
import dev.stampede.Stampede;
import dev.stampede.actuate.StampedeMetrics;
import dev.stampede.backend.local.LocalBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * A cache hit through the engine on the local backend, with and without Micrometer
 * meters bound, beside Caffeine's own {@code getIfPresent}: what a hit costs, and what
 * metrics add to it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HitPathBenchmark {

	private static final Loader<String, RuntimeException> LOADER = () -> "value";

	@Param({ "false", "true" })
	public boolean metrics;

	private Stampede stampede;

	private final Cache<String, String> caffeine = Caffeine.newBuilder().maximumSize(10_000).build();

	@Setup
	public void setUp() {
		this.stampede = new Stampede(new LocalBackend(10_000));
		if (this.metrics) {
			new StampedeMetrics(this.stampede).bindTo(new SimpleMeterRegistry());
		}
		this.stampede.get("bench", "key", LOADER);
		this.caffeine.put("key", "value");
	}

	@TearDown
	public void tearDown() {
		this.stampede.close();
	}

	@Benchmark
	public Object stampedeHit() {
		return this.stampede.get("bench", "key", LOADER);
	}

	@Benchmark
	public Object caffeineGetIfPresent() {
		return this.caffeine.getIfPresent("key");
	}

	public static void main(String[] args) throws Exception {
		new Runner(new OptionsBuilder().include(HitPathBenchmark.class.getSimpleName()).build()).run();
	}

}
