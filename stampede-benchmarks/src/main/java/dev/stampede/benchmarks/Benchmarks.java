package dev.stampede.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
 * {@code benchmarks.hit-path.cpu=true} the CPU time per call of {@link CpuTimeProfiler};
 * {@code benchmarks.report} names the files instead of {@code results}, so that a run
 * of some phases leaves the full run's files alone. The {@code harness.*} properties of
 * {@link StampedeHarness.Settings} tune the harness; {@code harness.phases} picks its
 * phases. Through Maven, each is a property of the same name, and a blank one keeps
 * its default:
 * {@code ./mvnw -pl stampede-benchmarks exec:exec -Dbenchmarks.harness=false -Dbenchmarks.hit-path.gc=true}.
 */
public final class Benchmarks {

	/** The properties a run's command may set, in the order its report names them. */
	private static final List<String> OPTIONS = List.of("benchmarks.hit-path", "benchmarks.hit-path.stores",
			"benchmarks.hit-path.gc", "benchmarks.hit-path.cpu", "benchmarks.harness", "benchmarks.variants",
			"harness.phases", "harness.jvms", "harness.threads", "harness.rounds", "harness.query-time", "harness.ttl",
			"harness.hot-keys", "harness.hit-time", "harness.hot-time", "harness.fault-time", "benchmarks.report");

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		System.setProperty("java.awt.headless", "true");
		Path out = Path.of(System.getProperty("benchmarks.out", "docs/benchmarks"));
		String report = option("benchmarks.report", "results");
		Files.createDirectories(out);
		double loadBefore = loadAverage();
		long started = System.nanoTime();
		Collection<RunResult> hitPath = Boolean.parseBoolean(option("benchmarks.hit-path", "true")) ? hitPath()
				: List.of();
		StampedeHarness.Settings settings = StampedeHarness.Settings.fromSystemProperties();
		List<StampedeHarness.Result> harness = Boolean.parseBoolean(option("benchmarks.harness", "true"))
				? StampedeHarness.run(settings, variants(), Path.of("target", "harness-logs")) : List.of();
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		BenchmarkReport.Run run = new BenchmarkReport.Run(command(), LocalDate.now(), commit(), took, loadBefore,
				loadAverage());
		BenchmarkReport benchmarkReport = new BenchmarkReport(hitPath, settings, harness, run,
				Runtime.getRuntime().availableProcessors());
		boolean plotted = !harness.isEmpty() && benchmarkReport.writePlot(out.resolve(report + ".png"));
		benchmarkReport.writeMarkdown(out.resolve(report + ".md"), plotted ? report + ".png" : null);
		System.out.printf("Wrote %s in %d s%n", out.resolve(report + ".md"), took.toSeconds());
	}

	// Maven hands every option over, set or not: a blank one was not set.
	private static String option(String name, String defaultValue) {
		String value = System.getProperty(name);
		return (value == null || value.isBlank()) ? defaultValue : value.trim();
	}

	private static String command() {
		StringBuilder command = new StringBuilder("scripts/benchmarks.sh");
		for (String name : OPTIONS) {
			String value = option(name, "");
			if (!value.isEmpty()) {
				command.append(" -D").append(name).append('=').append(value);
			}
		}
		return command.toString();
	}

	private static double loadAverage() {
		return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
	}

	private static String commit() throws InterruptedException {
		try {
			Process git = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectErrorStream(true).start();
			String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			return (git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0) ? "commit " + output : "an unknown commit";
		}
		catch (IOException ex) {
			return "an unknown commit";
		}
	}

	private static Collection<RunResult> hitPath() throws Exception {
		ChainedOptionsBuilder options = new OptionsBuilder().include(HitPathBenchmark.class.getName());
		String stores = option("benchmarks.hit-path.stores", "");
		if (!stores.isEmpty()) {
			options.param("store", Arrays.stream(stores.split(",")).map(String::trim).toArray(String[]::new));
		}
		if (Boolean.parseBoolean(option("benchmarks.hit-path.gc", "false"))) {
			options.addProfiler(GCProfiler.class);
		}
		if (Boolean.parseBoolean(option("benchmarks.hit-path.cpu", "false"))) {
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
		String names = option("benchmarks.variants", "");
		if (names.isEmpty()) {
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
