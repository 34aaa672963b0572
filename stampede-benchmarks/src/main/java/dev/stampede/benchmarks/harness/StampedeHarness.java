package dev.stampede.benchmarks.harness;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongFunction;

import dev.stampede.test.MemcachedServer;
import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerProcess;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

/**
 * Runs each {@link Variant} in several worker JVMs against real memcached and Redis
 * servers it starts on free loopback ports, and a database that counts its queries.
 * Per variant it measures {@code cold} rounds (every caller of every JVM reads one
 * cold key at the same instant), a {@code hit} phase (random reads of keys that stay
 * cached: the hit path under the same load), a {@code hot} phase (random reads of a
 * few keys whose short TTL keeps expiring), and two fault phases, {@code pause} and
 * {@code kill}: the hot keys read while the variant's cache server is frozen (SIGSTOP)
 * or killed (SIGKILL) for a while, then resumed or started again, empty, on its port.
 * {@link Settings#phases()} picks some of them.
 */
public final class StampedeHarness {

	private static final Duration START_DELAY = Duration.ofMillis(500);

	private static final Duration WARM_UP = Duration.ofSeconds(2);

	private final Settings settings;

	private final ServerProcess memcached;

	private final ServerProcess redis;

	private final Path logs;

	/**
	 * How hard the harness pushes.
	 * @param jvms worker JVMs per variant
	 * @param threads calling threads per JVM
	 * @param rounds cold rounds
	 * @param queryTime how long a database query takes
	 * @param ttl the TTL of hot keys
	 * @param hotKeys how many hot keys the callers spread over, in the hot and fault phases
	 * @param hitTime how long the hit phase lasts
	 * @param hotTime how long the hot phase lasts
	 * @param faultTime how long a fault phase holds the cache server away
	 * @param phases the phases to run, in {@link PhaseKind}'s order whatever this set's
	 * @param workerModules the directory of the worker modules that run on class paths of
	 * their own ({@link Variant.Worker#module()}), built beforehand
	 */
	public record Settings(int jvms, int threads, int rounds, Duration queryTime, Duration ttl, int hotKeys,
			Duration hitTime, Duration hotTime, Duration faultTime, Set<PhaseKind> phases, Path workerModules) {

		public Settings {
			if (phases.isEmpty()) {
				throw new IllegalArgumentException("No phase to run: name some of "
						+ Arrays.toString(PhaseKind.values()).toLowerCase(Locale.ROOT) + " in harness.phases, or none "
						+ "for all of them");
			}
			phases = Collections.unmodifiableSet(EnumSet.copyOf(phases));
			if (faultTime.isNegative() || faultTime.isZero()) {
				throw new IllegalArgumentException("harness.fault-time must be positive, not " + faultTime);
			}
		}

		/**
		 * Settings from {@code harness.*} system properties, each with a default, which a
		 * blank value keeps too (Maven hands every property over, set or not).
		 */
		public static Settings fromSystemProperties() {
			return new Settings(integer("harness.jvms", 4), integer("harness.threads", 32),
					integer("harness.rounds", 5), duration("harness.query-time", "100ms"),
					duration("harness.ttl", "1s"), integer("harness.hot-keys", 8), duration("harness.hit-time", "4s"),
					duration("harness.hot-time", "8s"), duration("harness.fault-time", "3s"),
					PhaseKind.parse(property("harness.phases", "")),
					Path.of(property("harness.worker-modules", "..")));
		}

		private static String property(String name, String defaultValue) {
			String value = System.getProperty(name);
			return (value == null || value.isBlank()) ? defaultValue : value.trim();
		}

		private static int integer(String property, int defaultValue) {
			String value = property(property, Integer.toString(defaultValue));
			try {
				return Integer.parseInt(value);
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(property + " must be a whole number, not '" + value + "'", ex);
			}
		}

		private static Duration duration(String property, String defaultValue) {
			String value = property(property, defaultValue);
			try {
				return DurationStyle.detectAndParse(value);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(property + " must be a duration such as 200ms or 2s, not '" + value
						+ "'", ex);
			}
		}

		/** Expiry windows of the hot phase. */
		public double hotWindows() {
			return windows(this.hotTime);
		}

		/**
		 * How long callers read before the server goes away: one TTL, so that they meet
		 * each hot key's expiry once while the server is there.
		 */
		public Duration faultLead() {
			return this.ttl;
		}

		/**
		 * How long callers read after the server is back: two TTLs, for a restarted server
		 * to be filled again and the clients to reconnect.
		 */
		public Duration faultRecovery() {
			return this.ttl.multipliedBy(2);
		}

		/** How long a fault phase lasts, from lead to recovery. */
		public Duration faultPhaseTime() {
			return faultLead().plus(this.faultTime).plus(faultRecovery());
		}

		/** Expiry windows of hot keys within {@code time}: each hot key expires once per TTL. */
		public double windows(Duration time) {
			return this.hotKeys * (double) time.toMillis() / this.ttl.toMillis();
		}

	}

	/**
	 * Every phase of one variant that ran.
	 * @param variant what was measured
	 * @param coldRounds the cold rounds, none when {@link PhaseKind#COLD} did not run
	 * @param hit the hit phase, if it ran
	 * @param hot the hot phase, if it ran
	 * @param faults the fault phases that ran, in order
	 * @param failure why the variant stopped before its last phase, if it did
	 */
	public record Result(Variant variant, List<Phase> coldRounds, @Nullable Phase hit, @Nullable Phase hot,
			List<FaultPhase> faults, @Nullable String failure) {

		/** The cold rounds as one phase, if they ran. */
		public @Nullable Phase cold() {
			return this.coldRounds.stream().reduce(Phase::plus).orElse(null);
		}

		/** The fault phase of that kind, if it ran. */
		public @Nullable FaultPhase fault(PhaseKind kind) {
			return this.faults.stream().filter((fault) -> fault.kind() == kind).findFirst().orElse(null);
		}

	}

	StampedeHarness(Settings settings, ServerProcess memcached, ServerProcess redis, Path logs) {
		this.settings = settings;
		this.memcached = memcached;
		this.redis = redis;
		this.logs = logs;
	}

	/** Runs the variants one after another, on servers it starts and stops. */
	public static List<Result> run(Settings settings, List<Variant> variants, Path logs)
			throws IOException, InterruptedException {
		try (MemcachedServer memcached = new MemcachedServer(); RedisServer redis = new RedisServer()) {
			memcached.start();
			redis.start();
			StampedeHarness harness = new StampedeHarness(settings, memcached, redis, logs);
			List<Result> results = new ArrayList<>();
			for (Variant variant : variants) {
				System.out.printf("harness: %s, %d JVMs x %d threads, %s%n", variant.label(), settings.jvms(),
						settings.threads(), settings.phases().toString().toLowerCase(Locale.ROOT));
				results.add(harness.run(variant));
			}
			return results;
		}
	}

	// A variant whose workers stop answering, as a cache that blocks its callers for good
	// can make them, keeps the phases it finished; the next variant runs all the same.
	Result run(Variant variant) throws InterruptedException {
		Set<PhaseKind> phases = this.settings.phases();
		List<Phase> cold = new ArrayList<>();
		Phase hit = null;
		Phase hot = null;
		List<FaultPhase> faults = new ArrayList<>();
		String failure = null;
		List<WorkerProcess> workers = new ArrayList<>();
		try {
			ServerCommands.flush(variant.store(), server(variant.store()));
			for (int i = 0; i < this.settings.jvms(); i++) {
				workers.add(new WorkerProcess(command(variant),
						this.logs.resolve(variant.name().toLowerCase() + "-" + i + ".log")));
			}
			awaitAll(workers, "ready", Duration.ofSeconds(120));
			if (phases.contains(PhaseKind.COLD)) {
				for (int round = 0; round < this.settings.rounds(); round++) {
					String key = "cold-" + round;
					cold.add(phase(variant, workers, (start) -> "cold " + key + " " + start, Duration.ZERO));
				}
			}
			if (phases.contains(PhaseKind.HIT)) {
				send(workers, "prime hit " + this.settings.hotKeys());
				awaitAll(workers, "primed", Duration.ofSeconds(60));
				// Untimed: lets the JIT compile the hit path before it is measured.
				phase(variant, workers, (start) -> "hot hit " + this.settings.hotKeys() + " " + start + " "
						+ end(start, WARM_UP), WARM_UP);
				hit = phase(variant, workers,
						(start) -> "hot hit " + this.settings.hotKeys() + " " + start + " " + end(start,
								this.settings.hitTime()),
						this.settings.hitTime());
			}
			if (phases.contains(PhaseKind.HOT)) {
				send(workers, "prime hot " + this.settings.hotKeys());
				awaitAll(workers, "primed", Duration.ofSeconds(60));
				hot = phase(variant, workers,
						(start) -> "hot hot " + this.settings.hotKeys() + " " + start + " " + end(start,
								this.settings.hotTime()),
						this.settings.hotTime());
			}
			for (PhaseKind kind : phases) {
				if (kind.isFault()) {
					faults.add(fault(variant, workers, kind));
				}
			}
		}
		catch (IOException ex) {
			failure = ex.getMessage();
			System.out.printf("harness: %s stopped: %s%n", variant.label(), failure);
		}
		finally {
			for (WorkerProcess worker : workers) {
				worker.close();
			}
		}
		return new Result(variant, cold, hit, hot, faults, failure);
	}

	private FaultPhase fault(Variant variant, List<WorkerProcess> workers, PhaseKind kind)
			throws IOException, InterruptedException {
		ServerProcess server = server(variant.store());
		// From an empty cache: what one fault left behind, such as a lock whose release was
		// lost, would otherwise carry over into the next.
		ServerCommands.flush(variant.store(), server);
		send(workers, "prime hot " + this.settings.hotKeys());
		awaitAll(workers, "primed", Duration.ofSeconds(60));
		long commandsAtStart = ServerCommands.commandsServed(variant.store(), server);
		long start = System.currentTimeMillis() + START_DELAY.toMillis();
		long from = end(start, this.settings.faultLead());
		long to = end(from, this.settings.faultTime());
		long stop = end(to, this.settings.faultRecovery());
		send(workers, "fault hot " + this.settings.hotKeys() + " " + start + " " + from + " " + to + " " + stop);
		sleepUntil(from);
		long commandsBefore = ServerCommands.commandsServed(variant.store(), server) - commandsAtStart;
		if (kind == PhaseKind.PAUSE) {
			server.pause();
		}
		else {
			server.kill();
		}
		try {
			sleepUntil(to);
		}
		finally {
			if (kind == PhaseKind.PAUSE) {
				server.resume();
			}
			else {
				server.start();
			}
		}
		// a killed server counts from zero again once started
		long commandsAtReturn = ServerCommands.commandsServed(variant.store(), server);
		Duration timeout = this.settings.faultPhaseTime().plus(Duration.ofSeconds(60));
		List<List<String>> answers = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
				new ArrayList<>());
		for (WorkerProcess worker : workers) {
			for (List<String> answer : answers) {
				answer.add(worker.await(timeout));
			}
		}
		long commandsAfter = ServerCommands.commandsServed(variant.store(), server) - commandsAtReturn;
		return new FaultPhase(kind,
				Phase.of("done", answers.get(0), commandsBefore + commandsAfter, this.settings.faultPhaseTime()),
				Phase.of("before", answers.get(1), commandsBefore, this.settings.faultLead()),
				Phase.of("during", answers.get(2), 0, this.settings.faultTime()),
				Phase.of("after", answers.get(3), commandsAfter, this.settings.faultRecovery()),
				ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
	}

	private static void sleepUntil(long epochMillis) throws InterruptedException {
		long delay = epochMillis - System.currentTimeMillis();
		if (delay > 0) {
			Thread.sleep(delay);
		}
	}

	private static long end(long start, Duration length) {
		return start + length.toMillis();
	}

	private Phase phase(Variant variant, List<WorkerProcess> workers, LongFunction<String> command,
			Duration length) throws IOException, InterruptedException {
		ServerProcess server = server(variant.store());
		long commandsBefore = ServerCommands.commandsServed(variant.store(), server);
		long start = System.currentTimeMillis() + START_DELAY.toMillis();
		send(workers, command.apply(start));
		List<String> answers = new ArrayList<>();
		Duration timeout = length.plus(Duration.ofSeconds(60));
		for (WorkerProcess worker : workers) {
			answers.add(worker.await(timeout));
		}
		long commands = ServerCommands.commandsServed(variant.store(), server) - commandsBefore;
		return Phase.of("done", answers, commands, length);
	}

	private static void send(List<WorkerProcess> workers, String command) {
		workers.forEach((worker) -> worker.send(command));
	}

	private static void awaitAll(List<WorkerProcess> workers, String expected, Duration timeout)
			throws IOException, InterruptedException {
		for (WorkerProcess worker : workers) {
			String answer = worker.await(timeout);
			if (!expected.equals(answer)) {
				throw new IOException("A worker answered '" + answer + "' instead of '" + expected + "'");
			}
		}
	}

	private ServerProcess server(Variant.Store store) {
		return (store == Variant.Store.MEMCACHED) ? this.memcached : this.redis;
	}

	private List<String> command(Variant variant) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
			.toString(), "-Xmx256m", "-XX:+UseSerialGC", "-Dharness.threads=" + this.settings.threads(),
				"-Dharness.query-time=" + this.settings.queryTime().toMillis() + "ms"));
		String module = variant.worker().module();
		if (module != null) {
			Path directory = this.settings.workerModules().resolve(module).toAbsolutePath();
			Path classPath = directory.resolve("target/worker.classpath");
			if (!Files.isRegularFile(classPath)) {
				throw new IOException("The " + module + " worker is not built: " + classPath + " is missing. Run "
						+ "./mvnw -DskipTests install first");
			}
			command.addAll(List.of("-Dharness.redis.port=" + this.redis.port(),
					"-Dharness.ttl-millis=" + this.settings.ttl().toMillis(), "-cp",
					directory.resolve("target/classes") + File.pathSeparator
							+ Files.readString(classPath, StandardCharsets.UTF_8).trim(),
					variant.worker().mainClass()));
			return command;
		}
		command.add("-Dharness.variant=" + variant.name());
		command.add("-Dharness.ttl=" + this.settings.ttl().toMillis() + "ms");
		command.add("-Dstampede.defaults.ttl=" + this.settings.ttl().toMillis() + "ms");
		command.add("-Dspring.data.redis.host=" + ServerProcess.HOST);
		command.add("-Dspring.data.redis.port=" + this.redis.port());
		command.add("-Dspring.data.redis.timeout=500ms");
		if (variant.worker().usesStampede()) {
			command.add("-Dstampede.backend=" + variant.store().name().toLowerCase());
			command.add("-Dstampede.memcached.servers=" + this.memcached.address());
		}
		variant.properties().forEach((property) -> command.add("-D" + property));
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), BootWorker.class.getName()));
		return command;
	}

}
