package dev.stampede.benchmarks;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import dev.stampede.benchmarks.harness.Phase;
import dev.stampede.benchmarks.harness.StampedeHarness;
import dev.stampede.benchmarks.harness.Variant;
import dev.stampede.benchmarks.hitpath.CpuTimeProfiler;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Turns one run of {@link Benchmarks} into a Markdown page of tables and a PNG plot.
 */
final class BenchmarkReport {

	private static final String COMMAND = "scripts/benchmarks.sh";

	private static final int PANEL_WIDTH = 840;

	private static final int PANEL_HEIGHT = 460;

	private static final String ALLOCATED = "gc.alloc.rate.norm";

	private final Collection<RunResult> hitPath;

	private final StampedeHarness.Settings settings;

	private final List<StampedeHarness.Result> harness;

	private final LocalDate date;

	private final int cores;

	private final Duration took;

	BenchmarkReport(Collection<RunResult> hitPath, StampedeHarness.Settings settings,
			List<StampedeHarness.Result> harness, LocalDate date, int cores, Duration took) {
		this.hitPath = hitPath;
		this.settings = settings;
		this.harness = harness;
		this.date = date;
		this.cores = cores;
		this.took = took;
	}

	void writeMarkdown(Path file) throws IOException {
		StringBuilder page = new StringBuilder();
		page.append("# Benchmark results\n\n");
		page.append(String.format(Locale.ROOT, "`%s`, run on %s on %d cores (%s), Java %s; the whole run took %d s.%n%n",
				COMMAND, this.date, this.cores, cpuModel(), System.getProperty("java.version"), this.took.toSeconds()));
		if (!this.hitPath.isEmpty()) {
			appendHitPath(page);
		}
		if (!this.harness.isEmpty()) {
			appendHarness(page);
			page.append("![Loads per cold round, loads per expiry window and p99 latency per variant](results.png)\n");
		}
		Files.writeString(file, page, StandardCharsets.UTF_8);
	}

	private void appendHitPath(StringBuilder page) {
		page.append("## Hit path (JMH)\n\n");
		page.append("One cached product read by one thread, 1 fork, 5 × 1 s warm-up, 8 × 1 s measurement; ops/s ± "
				+ "99.9% error. *cost* is the Stampede hit's time over the other's: 1.00 is as fast, below is faster.\n\n");
		page.append("| store | raw client `get` | `@Cacheable` | `@StampedeProtected` | `@Cacheable` on Stampede "
				+ "| cost vs raw | cost vs `@Cacheable` | `@Cacheable` on Stampede, cost vs `@Cacheable` |\n");
		page.append("|---|---|---|---|---|---|---|---|\n");
		Map<String, Map<String, RunResult>> byStore = new LinkedHashMap<>();
		for (RunResult result : this.hitPath) {
			String benchmark = result.getParams().getBenchmark();
			byStore.computeIfAbsent(result.getParams().getParam("store"), (store) -> new LinkedHashMap<>())
				.put(benchmark.substring(benchmark.lastIndexOf('.') + 1), result);
		}
		byStore.forEach((store, results) -> {
			RunResult raw = results.get("raw");
			RunResult cacheable = results.get("cacheable");
			RunResult stampede = results.get("stampede");
			RunResult cacheableOnStampede = results.get("cacheableOnStampede");
			page.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.2f | %.2f | %.2f |%n",
					storeName(store), score(raw), score(cacheable), score(stampede), score(cacheableOnStampede),
					cost(stampede, raw), cost(stampede, cacheable), cost(cacheableOnStampede, cacheable)));
		});
		page.append("\nRaw clients: Caffeine `getIfPresent`; xmemcached `get` (binary protocol, Java-serialized value); "
				+ "Lettuce `GET` + Java deserialization, as Spring's Redis cache reads. `@Cacheable` runs on "
				+ "`CaffeineCacheManager`, a memcached `Cache` over the same xmemcached client, and "
				+ "`RedisCacheManager`; `@Cacheable` on Stampede is a plain `@Cacheable` on `StampedeCacheManager`, "
				+ "which Stampede serves as `sync = true`.\n\n");
		appendSecondary(page, byStore, ALLOCATED, "Bytes allocated per call (JMH's GC profiler, `" + ALLOCATED + "`)");
		appendSecondary(page, byStore, CpuTimeProfiler.LABEL, "CPU time of the JVM per call in ns, garbage "
				+ "collection included and time waiting for a core left out (`" + CpuTimeProfiler.LABEL + "`)");
	}

	// Present when the run had the profiler that measures it.
	private static void appendSecondary(StringBuilder page, Map<String, Map<String, RunResult>> byStore, String label,
			String title) {
		if (byStore.values().stream().flatMap((results) -> results.values().stream())
			.noneMatch((result) -> result.getSecondaryResults().containsKey(label))) {
			return;
		}
		page.append(title).append(":\n\n");
		page.append("| store | raw client `get` | `@Cacheable` | `@StampedeProtected` | `@Cacheable` on Stampede |\n");
		page.append("|---|---|---|---|---|\n");
		byStore.forEach((store, results) -> page.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n",
				storeName(store), secondary(results.get("raw"), label), secondary(results.get("cacheable"), label),
				secondary(results.get("stampede"), label), secondary(results.get("cacheableOnStampede"), label))));
		page.append("\n");
	}

	private static String secondary(RunResult result, String label) {
		Result<?> value = result.getSecondaryResults().get(label);
		return (value != null) ? String.format(Locale.ROOT, "%,.1f", value.getScore()) : "-";
	}

	private static String storeName(String store) {
		return switch (store) {
			case "local" -> "local (Caffeine)";
			case "memcached" -> "memcached";
			default -> "Redis";
		};
	}

	private static String score(RunResult result) {
		return String.format(Locale.ROOT, "%,.0f ± %,.0f", result.getPrimaryResult().getScore(),
				result.getPrimaryResult().getScoreError());
	}

	// Time per operation of the first over that of the second.
	private static double cost(RunResult stampede, RunResult other) {
		return other.getPrimaryResult().getScore() / stampede.getPrimaryResult().getScore();
	}

	private void appendHarness(StringBuilder page) {
		StampedeHarness.Settings s = this.settings;
		page.append("## Stampede harness\n\n");
		page.append(String.format(Locale.ROOT, "%d JVMs × %d threads per variant; every database query takes %d ms. "
				+ "*cold*: %d rounds, all %d callers read one cold key at the same instant. *hit*: %d s of random "
				+ "reads of %d keys that stay cached (the hit path under this load). *hot*: %d s of random reads of "
				+ "%d keys with a %d ms TTL, %.0f expiry windows. Commands are those the cache server counted "
				+ "(memcached `stats`, Redis `INFO commandstats`) over the phase, per call.%n%n",
				s.jvms(), s.threads(), s.queryTime().toMillis(), s.rounds(), s.jvms() * s.threads(),
				s.hitTime().toSeconds(), s.hotKeys(), s.hotTime().toSeconds(), s.hotKeys(), s.ttl().toMillis(),
				s.hotWindows()));
		page.append("### Cold key, everyone at once\n\n");
		page.append("| variant | database loads per round | p50 ms | p99 ms | max ms | commands per call | errors |\n");
		page.append("|---|---|---|---|---|---|---|\n");
		for (StampedeHarness.Result result : this.harness) {
			Phase cold = result.cold();
			String loads = result.coldRounds().stream().map((round) -> Long.toString(round.loads()))
				.collect(Collectors.joining(", "));
			page.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.2f | %d |%n",
					result.variant().label(), loads, cold.millisAt(50), cold.millisAt(99), cold.millisAt(100),
					cold.commandsPerCall(), cold.errors()));
		}
		page.append("\n### Hot keys that keep expiring\n\n");
		page.append("| variant | hit p99 ms | hot p50 ms | hot p99 ms | hot p99 / hit p99 | hot max ms "
				+ "| calls ≥ one query per 10 000, hit / hot | loads per expiry window | hot calls/s "
				+ "| commands per call | errors |\n");
		page.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
		for (StampedeHarness.Result result : this.harness) {
			Phase hit = result.hit();
			Phase hot = result.hot();
			page.append(String.format(Locale.ROOT,
					"| %s | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f / %.1f | %.2f | %,.0f | %.2f | %d |%n",
					result.variant().label(), hit.millisAt(99), hot.millisAt(50), hot.millisAt(99),
					hot.millisAt(99) / hit.millisAt(99), hot.millisAt(100), perTenThousand(hit), perTenThousand(hot),
					hot.loads() / s.hotWindows(), hot.throughput(), hot.commandsPerCall(), hot.errors() + hit.errors()));
		}
		page.append(String.format(Locale.ROOT, "%nA call of %d ms or more took at least as long as a database query: it "
				+ "waited for a load, or for a CPU shared by %d callers: the hit phase, where nothing expires, "
				+ "shows how often the machine alone causes that.%n%n", s.queryTime().toMillis(),
				s.jvms() * s.threads()));
		if (this.harness.stream().anyMatch((result) -> result.variant() == Variant.REDISSON)) {
			page.append("Redisson runs `RedissonSpringCacheManager` with the same TTLs and Java serialization, "
					+ "Redisson's defaults otherwise. A `sync` miss takes `RLock.lock()` on the key and reads it "
					+ "again under the lock, so the callers of a cold key pass the lock one at a time; `lock()` "
					+ "waits without a limit, and the watchdog renews its lease (`lockWatchdogTimeout`, 30 s) "
					+ "until the loader returns.\n\n");
		}
	}

	private double perTenThousand(Phase phase) {
		return (phase.calls() == 0) ? 0 : phase.callsSlowerThan(this.settings.queryTime()) * 10_000.0 / phase.calls();
	}

	void writePlot(Path file) throws IOException {
		List<String> labels = this.harness.stream().map((result) -> result.variant().shortLabel()).toList();
		CategoryChart cold = chart("Database loads per cold round (mean)", "loads", PANEL_WIDTH);
		cold.addSeries("loads", labels, this.harness.stream()
			.map((result) -> (double) result.cold().loads() / result.coldRounds().size())
			.toList());
		CategoryChart windows = chart("Database loads per expiry window, hot keys", "loads", PANEL_WIDTH);
		windows.addSeries("loads", labels,
				this.harness.stream().map((result) -> result.hot().loads() / this.settings.hotWindows()).toList());
		// p99s span the hit path's milliseconds to the locking writer's seconds: on a linear axis the
		// short bars and their labels shrink to nothing, so this panel is logarithmic and twice as wide.
		List<Double> hit = this.harness.stream().map((result) -> p99(result.hit())).toList();
		List<Double> hot = this.harness.stream().map((result) -> p99(result.hot())).toList();
		CategoryChart latency = chart("p99 latency (ms, log scale)", "ms", 2 * PANEL_WIDTH);
		latency.addSeries("hit", labels, hit);
		latency.addSeries("hot", labels, hot);
		CategoryStyler styler = latency.getStyler();
		styler.setLegendVisible(true);
		styler.setYAxisLogarithmic(true);
		styler.setYAxisMin(decadeBelow(Stream.concat(hit.stream(), hot.stream()).min(Double::compare).orElse(1.0)));
		styler.setDecimalPattern("#,##0.#");
		BufferedImage plot = new BufferedImage(2 * PANEL_WIDTH, 2 * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
		Graphics2D graphics = plot.createGraphics();
		graphics.drawImage(BitmapEncoder.getBufferedImage(cold), 0, 0, null);
		graphics.drawImage(BitmapEncoder.getBufferedImage(windows), PANEL_WIDTH, 0, null);
		graphics.drawImage(BitmapEncoder.getBufferedImage(latency), 0, PANEL_HEIGHT, null);
		graphics.dispose();
		ImageIO.write(plot, "png", file.toFile());
	}

	// A logarithmic axis cannot show zero; 1 µs is the latency histograms' resolution.
	private static double p99(Phase phase) {
		return Math.max(phase.millisAt(99), 0.001);
	}

	private static double decadeBelow(double value) {
		return Math.pow(10, Math.floor(Math.log10(value)));
	}

	private static CategoryChart chart(String title, String yTitle, int width) {
		CategoryChart chart = new CategoryChartBuilder().width(width).height(PANEL_HEIGHT).title(title).yAxisTitle(yTitle)
			.build();
		CategoryStyler styler = chart.getStyler();
		styler.setLegendVisible(false);
		styler.setLabelsVisible(true);
		// dark labels stay legible beside bars too short to hold them, where white ones would vanish
		styler.setLabelsFontColorAutomaticEnabled(false);
		styler.setLabelsFontColor(Color.BLACK);
		styler.setDecimalPattern("#,##0.##");
		styler.setChartBackgroundColor(Color.WHITE);
		styler.setXAxisLabelRotation(40);
		styler.setLegendPosition(Styler.LegendPosition.InsideNW);
		return chart;
	}

	private static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown CPU");
		}
		catch (IOException ex) {
			return "unknown CPU";
		}
	}

}
