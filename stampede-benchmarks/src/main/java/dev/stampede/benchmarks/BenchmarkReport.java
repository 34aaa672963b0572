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
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;

import dev.stampede.benchmarks.harness.FaultPhase;
import dev.stampede.benchmarks.harness.Phase;
import dev.stampede.benchmarks.harness.PhaseKind;
import dev.stampede.benchmarks.harness.StampedeHarness;
import dev.stampede.benchmarks.harness.Variant;
import dev.stampede.benchmarks.hitpath.CpuTimeProfiler;
import org.jspecify.annotations.Nullable;
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

	private static final int PANEL_WIDTH = 840;

	private static final int PANEL_HEIGHT = 460;

	private static final String ALLOCATED = "gc.alloc.rate.norm";

	private final Collection<RunResult> hitPath;

	private final StampedeHarness.Settings settings;

	private final List<StampedeHarness.Result> harness;

	private final Run run;

	private final int cores;

	/**
	 * Where and how the run went.
	 * @param command the command that ran it
	 * @param date when it ran
	 * @param commit the code it measured, as {@code git describe} names it
	 * @param took how long it took
	 * @param loadBefore the machine's one-minute load average before it began
	 * @param loadAfter the same when it ended
	 */
	record Run(String command, LocalDate date, String commit, Duration took, double loadBefore, double loadAfter) {

	}

	BenchmarkReport(Collection<RunResult> hitPath, StampedeHarness.Settings settings,
			List<StampedeHarness.Result> harness, Run run, int cores) {
		this.hitPath = hitPath;
		this.settings = settings;
		this.harness = harness;
		this.run = run;
		this.cores = cores;
	}

	/** Writes the tables; {@code plot} names the plot beside {@code file} that the page shows, if any. */
	void writeMarkdown(Path file, @Nullable String plot) throws IOException {
		StringBuilder page = new StringBuilder();
		page.append("# Benchmark results\n\n");
		page.append(String.format(Locale.ROOT, "`%s`, run on %s at %s on %d cores (%s), Java %s; the whole run took "
				+ "%d s. One-minute load average: %.2f before the run, %.2f after it.%n%n", this.run.command(),
				this.run.date(), this.run.commit(), this.cores, cpuModel(), System.getProperty("java.version"),
				this.run.took().toSeconds(), this.run.loadBefore(), this.run.loadAfter()));
		if (!this.hitPath.isEmpty()) {
			appendHitPath(page);
		}
		if (!this.harness.isEmpty()) {
			appendHarness(page);
		}
		if (plot != null) {
			page.append("![The harness's phases per variant: database loads and latencies](").append(plot).append(")\n");
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
		Set<PhaseKind> phases = s.phases();
		page.append("## Stampede harness\n\n");
		page.append(String.format(Locale.ROOT, "%d JVMs × %d threads per variant; every database query takes %d ms.",
				s.jvms(), s.threads(), s.queryTime().toMillis()));
		if (phases.contains(PhaseKind.COLD)) {
			page.append(String.format(Locale.ROOT, " *cold*: %d rounds, all %d callers read one cold key at the same "
					+ "instant.", s.rounds(), s.jvms() * s.threads()));
		}
		if (phases.contains(PhaseKind.HIT)) {
			page.append(String.format(Locale.ROOT, " *hit*: %d s of random reads of %d keys that stay cached (the hit "
					+ "path under this load).", s.hitTime().toSeconds(), s.hotKeys()));
		}
		if (phases.contains(PhaseKind.HOT)) {
			page.append(String.format(Locale.ROOT, " *hot*: %d s of random reads of %d keys with a %d ms TTL, %.0f "
					+ "expiry windows.", s.hotTime().toSeconds(), s.hotKeys(), s.ttl().toMillis(), s.hotWindows()));
		}
		if (phases.stream().anyMatch((phase) -> !phase.isFault())) {
			page.append(" Commands are those the cache server counted (memcached `stats`, Redis `INFO commandstats`) "
					+ "over the phase, per call.");
		}
		page.append("\n\n");
		if (phases.contains(PhaseKind.COLD)) {
			appendCold(page);
		}
		if (phases.contains(PhaseKind.HIT) || phases.contains(PhaseKind.HOT)) {
			appendHot(page);
		}
		if (phases.stream().anyMatch(PhaseKind::isFault)) {
			appendFaults(page);
		}
		for (StampedeHarness.Result result : this.harness) {
			if (result.failure() != null) {
				page.append("**").append(result.variant().label()).append("** stopped before its last phase (its "
						+ "missing rows are dashes): ").append(result.failure()).append("\n\n");
			}
		}
		if (this.harness.stream().anyMatch((result) -> result.variant() == Variant.REDISSON)) {
			page.append("Redisson runs `RedissonSpringCacheManager` with the same TTLs and Java serialization, "
					+ "Redisson's defaults otherwise. A `sync` miss takes `RLock.lock()` on the key and reads it "
					+ "again under the lock, so the callers of a cold key pass the lock one at a time; `lock()` "
					+ "waits without a limit, and the watchdog renews its lease (`lockWatchdogTimeout`, 30 s) "
					+ "until the loader returns.\n\n");
		}
	}

	private void appendCold(StringBuilder page) {
		page.append("### Cold key, everyone at once\n\n");
		page.append("| variant | database loads per round | p50 ms | p99 ms | max ms | commands per call | errors |\n");
		page.append("|---|---|---|---|---|---|---|\n");
		for (StampedeHarness.Result result : this.harness) {
			Phase cold = result.cold();
			if (cold == null) {
				page.append(missingRow(result, 6));
				continue;
			}
			String loads = result.coldRounds().stream().map((round) -> Long.toString(round.loads()))
				.collect(Collectors.joining(", "));
			page.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.2f | %d |%n",
					result.variant().label(), loads, cold.millisAt(50), cold.millisAt(99), cold.millisAt(100),
					cold.commandsPerCall(), cold.errors()));
		}
		page.append("\n");
	}

	// The hit phase is the yardstick of the hot one; a run may have either alone.
	private void appendHot(StringBuilder page) {
		page.append("### Hot keys that keep expiring\n\n");
		page.append("| variant | hit p99 ms | hot p50 ms | hot p99 ms | hot p99 / hit p99 | hot max ms "
				+ "| calls ≥ one query per 10 000, hit / hot | loads per expiry window | hot calls/s "
				+ "| commands per call | errors |\n");
		page.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
		for (StampedeHarness.Result result : this.harness) {
			Phase hit = result.hit();
			Phase hot = result.hot();
			if (hit == null && hot == null) {
				page.append(missingRow(result, 10));
				continue;
			}
			String ratio = (hit != null && hot != null)
					? String.format(Locale.ROOT, "%.2f", hot.millisAt(99) / hit.millisAt(99)) : "-";
			long errors = ((hit != null) ? hit.errors() : 0) + ((hot != null) ? hot.errors() : 0);
			page.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s | %d |%n",
					result.variant().label(), cell(hit, "%.2f", (phase) -> phase.millisAt(99)),
					cell(hot, "%.2f", (phase) -> phase.millisAt(50)), cell(hot, "%.2f", (phase) -> phase.millisAt(99)),
					ratio, cell(hot, "%.1f", (phase) -> phase.millisAt(100)), cell(hit, "%.1f", this::perTenThousand),
					cell(hot, "%.1f", this::perTenThousand),
					cell(hot, "%.2f", (phase) -> phase.loads() / this.settings.hotWindows()),
					cell(hot, "%,.0f", Phase::throughput), cell(hot, "%.2f", Phase::commandsPerCall), errors));
		}
		page.append(String.format(Locale.ROOT, "%nA call of %d ms or more took at least as long as a database query: it "
				+ "waited for a load, or for a CPU shared by %d callers: the hit phase, where nothing expires, "
				+ "shows how often the machine alone causes that.%n%n", this.settings.queryTime().toMillis(),
				this.settings.jvms() * this.settings.threads()));
	}

	private static String missingRow(StampedeHarness.Result result, int cells) {
		return "| " + result.variant().label() + " |" + " - |".repeat(cells) + "\n";
	}

	private static String cell(@Nullable Phase phase, String format, ToDoubleFunction<Phase> value) {
		return (phase != null) ? String.format(Locale.ROOT, format, value.applyAsDouble(phase)) : "-";
	}

	private void appendFaults(StringBuilder page) {
		StampedeHarness.Settings s = this.settings;
		page.append(String.format(Locale.ROOT, "*pause* and *kill*: %s of random reads of %d keys with a %s TTL, as "
				+ "in the hot phase. After %s (one TTL: *before*) the harness freezes the variant's cache server with "
				+ "SIGSTOP (*pause*) or kills it with SIGKILL (*kill*) for %s (*in* the fault), then resumes it, or "
				+ "starts it again on the same port, empty, and the callers read on for %s (two TTLs: *after*). "
				+ "Loads are counted where they began and divided by the key-expiry windows of that time (keys × time "
				+ "/ TTL: %.0f before, %.0f in the fault, %.0f after); a call is *in* the fault when it was in "
				+ "progress at some instant of it, *after* when it began after it. A call still under way 30 s "
				+ "after the phase is *given up*: it counts as an error, with the latency it had reached then. "
				+ "*Load*: the machine's one-minute "
				+ "load average as the phase ended, this run's own JVMs included, on %d cores.%n%n",
				time(s.faultPhaseTime()), s.hotKeys(), time(s.ttl()), time(s.faultLead()), time(s.faultTime()),
				time(s.faultRecovery()), s.windows(s.faultLead()), s.windows(s.faultTime()),
				s.windows(s.faultRecovery()), this.cores));
		for (PhaseKind kind : s.phases()) {
			if (!kind.isFault()) {
				continue;
			}
			page.append((kind == PhaseKind.PAUSE) ? "### Cache server paused (SIGSTOP) for " + time(s.faultTime())
					: "### Cache server killed (SIGKILL) for " + time(s.faultTime()) + ", then started again, empty");
			page.append("\n\n");
			page.append("| variant | loads per window, before / in / after the fault | loads in the fault / in all "
					+ "| p99 ms in the fault | max ms in the fault | max ms after | calls in the fault "
					+ "| errors before / in / after | calls given up | load |\n");
			page.append("|---|---|---|---|---|---|---|---|---|---|\n");
			for (StampedeHarness.Result result : this.harness) {
				FaultPhase fault = result.fault(kind);
				if (fault == null) {
					page.append(missingRow(result, 9));
					continue;
				}
				Phase before = fault.before();
				Phase during = fault.during();
				Phase after = fault.after();
				page.append(String.format(Locale.ROOT,
						"| %s | %.2f / %.2f / %.2f | %d / %d | %.1f | %.1f | %.1f | %,d | %,d / %,d / %,d | %,d | %.1f |%n",
						result.variant().label(), before.loads() / s.windows(s.faultLead()),
						during.loads() / s.windows(s.faultTime()), after.loads() / s.windows(s.faultRecovery()),
						during.loads(), fault.whole().loads(), during.millisAt(99), during.millisAt(100),
						after.millisAt(100), during.calls(), before.errors(), during.errors(), after.errors(),
						fault.whole().unfinished(), fault.loadAverage()));
			}
			page.append("\n");
		}
	}

	private static String time(Duration time) {
		long millis = time.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + " s" : millis + " ms";
	}

	private double perTenThousand(Phase phase) {
		return (phase.calls() == 0) ? 0 : phase.callsSlowerThan(this.settings.queryTime()) * 10_000.0 / phase.calls();
	}

	/** Writes a panel per measure that some variant has; whether there was any. */
	boolean writePlot(Path file) throws IOException {
		Set<PhaseKind> phases = this.settings.phases();
		List<CategoryChart> loadPanels = new ArrayList<>();
		if (phases.contains(PhaseKind.COLD)) {
			add(loadPanels, panel("Database loads per cold round (mean)", "loads", PANEL_WIDTH, false,
					Map.of("loads", (result) -> (result.cold() != null)
							? (double) result.cold().loads() / result.coldRounds().size() : null)));
		}
		if (phases.contains(PhaseKind.HOT)) {
			add(loadPanels, panel("Database loads per expiry window, hot keys", "loads", PANEL_WIDTH, false,
					Map.of("loads", (result) -> (result.hot() != null)
							? result.hot().loads() / this.settings.hotWindows() : null)));
		}
		List<CategoryChart> rows = new ArrayList<>();
		if (phases.contains(PhaseKind.HIT) || phases.contains(PhaseKind.HOT)) {
			// p99s span the hit path's milliseconds to the locking writer's seconds: on a linear axis the
			// short bars and their labels shrink to nothing, so this panel is logarithmic and twice as wide.
			Map<String, Function<StampedeHarness.Result, @Nullable Double>> series = new LinkedHashMap<>();
			if (phases.contains(PhaseKind.HIT)) {
				series.put("hit", (result) -> (result.hit() != null) ? p99(result.hit()) : null);
			}
			if (phases.contains(PhaseKind.HOT)) {
				series.put("hot", (result) -> (result.hot() != null) ? p99(result.hot()) : null);
			}
			add(rows, panel("p99 latency (ms, log scale)", "ms", 2 * PANEL_WIDTH, true, series));
		}
		Map<String, Function<StampedeHarness.Result, @Nullable Double>> loads = new LinkedHashMap<>();
		Map<String, Function<StampedeHarness.Result, @Nullable Double>> slowest = new LinkedHashMap<>();
		for (PhaseKind kind : phases) {
			if (kind.isFault()) {
				String name = (kind == PhaseKind.PAUSE) ? "paused" : "killed";
				loads.put(name, (result) -> (result.fault(kind) != null)
						? result.fault(kind).during().loads() / this.settings.windows(this.settings.faultTime()) : null);
				slowest.put(name, (result) -> (result.fault(kind) != null)
						? Math.max(result.fault(kind).during().millisAt(100), 0.001) : null);
			}
		}
		if (!loads.isEmpty()) {
			add(rows, panel("Database loads per key-expiry window while the cache server is away", "loads",
					2 * PANEL_WIDTH, false, loads));
			add(rows, panel("Slowest call while the cache server is away (ms, log scale)", "ms", 2 * PANEL_WIDTH, true,
					slowest));
		}
		if (loadPanels.isEmpty() && rows.isEmpty()) {
			return false;
		}
		int height = ((loadPanels.isEmpty()) ? 0 : PANEL_HEIGHT) + rows.size() * PANEL_HEIGHT;
		BufferedImage plot = new BufferedImage(2 * PANEL_WIDTH, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D graphics = plot.createGraphics();
		graphics.setColor(Color.WHITE);
		graphics.fillRect(0, 0, plot.getWidth(), plot.getHeight());
		for (int i = 0; i < loadPanels.size(); i++) {
			graphics.drawImage(BitmapEncoder.getBufferedImage(loadPanels.get(i)), i * PANEL_WIDTH, 0, null);
		}
		int y = (loadPanels.isEmpty()) ? 0 : PANEL_HEIGHT;
		for (CategoryChart row : rows) {
			graphics.drawImage(BitmapEncoder.getBufferedImage(row), 0, y, null);
			y += PANEL_HEIGHT;
		}
		graphics.dispose();
		ImageIO.write(plot, "png", file.toFile());
		return true;
	}

	private static void add(List<CategoryChart> panels, @Nullable CategoryChart panel) {
		if (panel != null) {
			panels.add(panel);
		}
	}

	// Only the variants with every series of the panel: a variant that stopped early is named
	// in the tables, and a logarithmic axis cannot show a missing bar.
	private @Nullable CategoryChart panel(String title, String yTitle, int width, boolean logarithmic,
			Map<String, Function<StampedeHarness.Result, @Nullable Double>> series) {
		List<StampedeHarness.Result> shown = this.harness.stream()
			.filter((result) -> series.values().stream().allMatch((value) -> value.apply(result) != null))
			.toList();
		if (shown.isEmpty()) {
			return null;
		}
		List<String> labels = shown.stream().map((result) -> result.variant().shortLabel()).toList();
		CategoryChart chart = chart(title, yTitle, width);
		List<Double> all = new ArrayList<>();
		series.forEach((name, value) -> {
			List<Double> values = shown.stream().map((result) -> Objects.requireNonNull(value.apply(result))).toList();
			chart.addSeries(name, labels, values);
			all.addAll(values);
		});
		CategoryStyler styler = chart.getStyler();
		styler.setLegendVisible(series.size() > 1);
		if (logarithmic) {
			styler.setYAxisLogarithmic(true);
			styler.setYAxisMin(decadeBelow(all.stream().min(Double::compare).orElse(1.0)));
			styler.setDecimalPattern("#,##0.#");
		}
		return chart;
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
