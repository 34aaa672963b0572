package dev.stampede.benchmarks.harness;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

import dev.stampede.test.MemcachedServer;
import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerProcess;

import org.springframework.boot.convert.DurationStyle;

/**
 * Runs each {@link Variant} in several worker JVMs against real memcached and Redis
 * servers it starts on free loopback ports, and a database that counts its queries.
 * Per variant it measures {@code cold} rounds (every caller of every JVM reads one
 * cold key at the same instant), a {@code hit} phase (random reads of keys that stay
 * cached: the hit path under the same load) and a {@code hot} phase (random reads of a
 * few keys whose short TTL keeps expiring).
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
	 * @param hotKeys how many hot keys the callers spread over
	 * @param hitTime how long the hit phase lasts
	 * @param hotTime how long the hot phase lasts
	 * @param workerModules the directory of the worker modules that run on class paths of
	 * their own ({@link Variant.Worker#module()}), built beforehand
	 */
	public record Settings(int jvms, int threads, int rounds, Duration queryTime, Duration ttl, int hotKeys,
			Duration hitTime, Duration hotTime, Path workerModules) {

		/** Settings from {@code harness.*} system properties, each with a default. */
		public static Settings fromSystemProperties() {
			return new Settings(Integer.getInteger("harness.jvms", 4), Integer.getInteger("harness.threads", 32),
					Integer.getInteger("harness.rounds", 5), duration("harness.query-time", "100ms"),
					duration("harness.ttl", "1s"), Integer.getInteger("harness.hot-keys", 8),
					duration("harness.hit-time", "4s"), duration("harness.hot-time", "8s"),
					Path.of(System.getProperty("harness.worker-modules", "..")));
		}

		private static Duration duration(String property, String defaultValue) {
			return DurationStyle.detectAndParse(System.getProperty(property, defaultValue));
		}

		/** Expiry windows of the hot phase: each hot key expires once per TTL. */
		public double hotWindows() {
			return this.hotKeys * (double) this.hotTime.toMillis() / this.ttl.toMillis();
		}

	}

	/** Every phase of one variant. */
	public record Result(Variant variant, List<Phase> coldRounds, Phase hit, Phase hot) {

		/** The cold rounds as one phase. */
		public Phase cold() {
			return this.coldRounds.stream().reduce(Phase::plus).orElseThrow();
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
				System.out.printf("harness: %s, %d JVMs x %d threads%n", variant.label(), settings.jvms(),
						settings.threads());
				results.add(harness.run(variant));
			}
			return results;
		}
	}

	Result run(Variant variant) throws IOException, InterruptedException {
		ServerProcess server = server(variant.store());
		ServerCommands.flush(variant.store(), server);
		List<WorkerProcess> workers = new ArrayList<>();
		try {
			for (int i = 0; i < this.settings.jvms(); i++) {
				workers.add(new WorkerProcess(command(variant),
						this.logs.resolve(variant.name().toLowerCase() + "-" + i + ".log")));
			}
			awaitAll(workers, "ready", Duration.ofSeconds(120));
			List<Phase> cold = new ArrayList<>();
			for (int round = 0; round < this.settings.rounds(); round++) {
				String key = "cold-" + round;
				cold.add(phase(variant, workers, (start) -> "cold " + key + " " + start, Duration.ZERO));
			}
			send(workers, "prime hit " + this.settings.hotKeys());
			awaitAll(workers, "primed", Duration.ofSeconds(60));
			// Untimed: lets the JIT compile the hit path before it is measured.
			phase(variant, workers, (start) -> "hot hit " + this.settings.hotKeys() + " " + start + " "
					+ end(start, WARM_UP), WARM_UP);
			Phase hit = phase(variant, workers,
					(start) -> "hot hit " + this.settings.hotKeys() + " " + start + " " + end(start,
							this.settings.hitTime()),
					this.settings.hitTime());
			send(workers, "prime hot " + this.settings.hotKeys());
			awaitAll(workers, "primed", Duration.ofSeconds(60));
			Phase hot = phase(variant, workers,
					(start) -> "hot hot " + this.settings.hotKeys() + " " + start + " " + end(start,
							this.settings.hotTime()),
					this.settings.hotTime());
			return new Result(variant, cold, hit, hot);
		}
		finally {
			for (WorkerProcess worker : workers) {
				worker.close();
			}
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
		return Phase.of(answers, commands, length);
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
