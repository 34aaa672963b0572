package dev.stampede.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

import dev.stampede.benchmarks.harness.StampedeHarness;
import dev.stampede.benchmarks.harness.Variant;
import dev.stampede.benchmarks.hitpath.CpuTimeProfiler;
import dev.stampede.benchmarks.hitpath.HitPathBenchmark;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every comparison in one go and writes {@code results.md} and
 * {@code results.png} to the directory named by {@code benchmarks.out}: the JMH hit
 * path on each store, then the stampede harness over every {@link Variant}.
 * {@code benchmarks.variants} (comma-separated names) narrows the harness,
 * {@code benchmarks.harness=false} leaves it out, {@code benchmarks.hit-path=false}
 * leaves out JMH, {@code benchmarks.hit-path.stores} (comma-separated) narrows the hit
 * path to some stores, {@code benchmarks.hit-path.gc=true} adds JMH's GC profiler,
 * whose bytes allocated per call the report adds to each row, and
 * {@code benchmarks.hit-path.cpu=true} the CPU time per call of {@link CpuTimeProfiler}; the
 * {@code harness.*} properties of {@link StampedeHarness.Settings} tune the harness.
 * Through Maven, each is a property of the same name:
 * {@code ./mvnw -pl stampede-benchmarks exec:exec -Dbenchmarks.harness=false -Dbenchmarks.hit-path.gc=true}.
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		System.setProperty("java.awt.headless", "true");
		Path out = Path.of(System.getProperty("benchmarks.out", "docs/benchmarks"));
		Files.createDirectories(out);
		long started = System.nanoTime();
		Collection<RunResult> hitPath = Boolean.parseBoolean(System.getProperty("benchmarks.hit-path", "true"))
				? hitPath() : List.of();
		StampedeHarness.Settings settings = StampedeHarness.Settings.fromSystemProperties();
		List<StampedeHarness.Result> harness = Boolean.parseBoolean(System.getProperty("benchmarks.harness", "true"))
				? StampedeHarness.run(settings, variants(), Path.of("target", "harness-logs")) : List.of();
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		BenchmarkReport report = new BenchmarkReport(hitPath, settings, harness, LocalDate.now(),
				Runtime.getRuntime().availableProcessors(), took);
		report.writeMarkdown(out.resolve("results.md"));
		if (!harness.isEmpty()) {
			report.writePlot(out.resolve("results.png"));
		}
		System.out.printf("Wrote %s in %d s%n", out, took.toSeconds());
	}

	private static Collection<RunResult> hitPath() throws Exception {
		ChainedOptionsBuilder options = new OptionsBuilder().include(HitPathBenchmark.class.getName());
		String stores = System.getProperty("benchmarks.hit-path.stores", "");
		if (!stores.isBlank()) {
			options.param("store", Arrays.stream(stores.split(",")).map(String::trim).toArray(String[]::new));
		}
		if (Boolean.parseBoolean(System.getProperty("benchmarks.hit-path.gc", "false"))) {
			options.addProfiler(GCProfiler.class);
		}
		if (Boolean.parseBoolean(System.getProperty("benchmarks.hit-path.cpu", "false"))) {
			options.addProfiler(CpuTimeProfiler.class);
		}
		return new Runner(options.forks(1)
			.warmupIterations(5)
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(8)
			.measurementTime(TimeValue.seconds(1))
			.build()).run();
	}

	private static List<Variant> variants() {
		String names = System.getProperty("benchmarks.variants");
		if (names == null || names.isBlank()) {
			return List.of(Variant.values());
		}
		List<Variant> variants = new ArrayList<>();
		for (String name : names.split(",")) {
			try {
				variants.add(Variant.valueOf(name.trim().toUpperCase()));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("Unknown variant '" + name + "' in benchmarks.variants; expected "
						+ "some of " + Arrays.toString(Variant.values()), ex);
			}
		}
		return variants;
	}

}
