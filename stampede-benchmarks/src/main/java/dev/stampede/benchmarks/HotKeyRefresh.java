package dev.stampede.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.CacheSettings;
import dev.stampede.Loader;
import dev.stampede.RefreshMode;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.test.RedisServer;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One hot key under steady load from 4 engines (separate connections, as separate JVMs
 * would have) x 8 threads, with a 1 s TTL and a 200 ms loader, on Redis: how many
 * calls had to wait for a load, and how many loads ran, with plain expiry, with
 * stale-while-revalidate, and with probabilistic early refresh. Writes a Markdown
 * table to docs/benchmarks/hot-key.md.
 */
public final class HotKeyRefresh {

	private static final int ENGINES = 4;

	private static final int THREADS_PER_ENGINE = 8;

	private static final Duration TTL = Duration.ofSeconds(1);

	private static final Duration RUN = Duration.ofSeconds(10);

	private static final long LOADER_MILLIS = 200;

	private HotKeyRefresh() {
	}

	public static void main(String[] args) throws Exception {
		Path output = Path.of(args.length > 0 ? args[0] : "docs/benchmarks/hot-key.md");
		RedisServer redis = new RedisServer();
		redis.start();
		try {
			StringBuilder table = new StringBuilder(
					"| variant | calls | calls slower than 100 ms | slowest call ms | loads |\n|---|---|---|---|---|\n");
			table.append(run(redis, "plain expiry", settings(Duration.ZERO, RefreshMode.INLINE, 0)));
			table.append(run(redis, "stale-ttl 10s, refresh inline",
					settings(Duration.ofSeconds(10), RefreshMode.INLINE, 0)));
			table.append(run(redis, "stale-ttl 10s, refresh async",
					settings(Duration.ofSeconds(10), RefreshMode.ASYNC, 0)));
			table.append(run(redis, "early-refresh-beta 1.0, refresh inline",
					settings(Duration.ZERO, RefreshMode.INLINE, 1.0)));
			table.append(run(redis, "early-refresh-beta 1.0, refresh async",
					settings(Duration.ZERO, RefreshMode.ASYNC, 1.0)));
			String report = "One hot key, " + ENGINES + " engines x " + THREADS_PER_ENGINE + " threads for "
					+ RUN.toSeconds() + " s after a warm-up load, ttl " + TTL.toMillis() + " ms, loader " + LOADER_MILLIS
					+ " ms, Redis on loopback. A call slower than 100 ms waited for a load. "
					+ "Measured " + LocalDate.now() + " on " + Runtime.getRuntime().availableProcessors()
					+ " cores.\n\n" + table;
			System.out.print(report);
			Files.createDirectories(output.toAbsolutePath().getParent());
			Files.writeString(output, report);
		}
		finally {
			redis.stop();
		}
	}

	private static CacheSettings settings(Duration staleTtl, RefreshMode refresh, double beta) {
		return CacheSettings.builder().ttl(TTL).staleTtl(staleTtl).refresh(refresh).earlyRefreshBeta(beta).build();
	}

	private static String run(RedisServer redis, String variant, CacheSettings cacheSettings) throws Exception {
		StampedeSettings settings = new StampedeSettings(cacheSettings, Map.of());
		List<LettuceConnectionFactory> connections = new ArrayList<>();
		List<Stampede> engines = new ArrayList<>();
		for (int i = 0; i < ENGINES; i++) {
			LettuceConnectionFactory connection = redis.connectionFactory();
			connections.add(connection);
			engines.add(new Stampede(new RedisBackend(connection, new JdkSerializationCodec(null)), settings,
					variant.replace(' ', '-') + ":", Clock.systemUTC()));
		}
		AtomicInteger loads = new AtomicInteger();
		Loader<String, InterruptedException> loader = () -> {
			Thread.sleep(LOADER_MILLIS);
			return "v" + loads.incrementAndGet();
		};
		ExecutorService threads = Executors.newFixedThreadPool(ENGINES * THREADS_PER_ENGINE);
		try {
			for (Stampede engine : engines) {
				engine.get("hot", "key", loader);
			}
			int loadsBefore = loads.get();
			long deadline = System.nanoTime() + RUN.toNanos();
			long slow = TimeUnit.MILLISECONDS.toNanos(LOADER_MILLIS / 2);
			List<Future<long[]>> callers = new ArrayList<>();
			for (int i = 0; i < ENGINES * THREADS_PER_ENGINE; i++) {
				Stampede engine = engines.get(i % ENGINES);
				callers.add(threads.submit(() -> {
					long[] callsSlowSlowest = new long[3];
					while (System.nanoTime() < deadline) {
						long start = System.nanoTime();
						engine.get("hot", "key", loader);
						long took = System.nanoTime() - start;
						callsSlowSlowest[0]++;
						callsSlowSlowest[1] += (took >= slow) ? 1 : 0;
						callsSlowSlowest[2] = Math.max(callsSlowSlowest[2], took);
						Thread.sleep(1);
					}
					return callsSlowSlowest;
				}));
			}
			long calls = 0;
			long slowCalls = 0;
			long slowest = 0;
			for (Future<long[]> caller : callers) {
				long[] result = caller.get(1, TimeUnit.MINUTES);
				calls += result[0];
				slowCalls += result[1];
				slowest = Math.max(slowest, result[2]);
			}
			String row = String.format("| %s | %d | %d | %.1f | %d |%n", variant, calls, slowCalls, slowest / 1e6,
					loads.get() - loadsBefore);
			System.out.print(row);
			return row;
		}
		finally {
			threads.shutdownNow();
			engines.forEach(Stampede::close);
			connections.forEach(LettuceConnectionFactory::destroy);
		}
	}

}
