package dev.stampede.benchmarks;

import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.stampede.CacheSettings;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.ForwardingBackend;
import dev.stampede.backend.KeyEventListener;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.test.RedisServer;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * How long after the winner's value is written a waiting caller in another engine
 * returns, on Redis with polling alone and with pub/sub wake-up, side by side in one
 * run, for several loader latencies. Each engine has its own connection, as separate
 * JVMs would. Writes a Markdown table to docs/benchmarks/waiter-latency.md.
 */
public final class WaiterLatency {

	private static final int ROUNDS = 30;

	// Rounds run first and not recorded, so that class loading and JIT compilation are done.
	private static final int WARM_UP_ROUNDS = 5;

	private static final int WAITERS = 4;

	private static final long[] LOADER_MILLIS = { 20, 200, 1000 };

	private WaiterLatency() {
	}

	public static void main(String[] args) throws Exception {
		Path output = Path.of(args.length > 0 ? args[0] : "docs/benchmarks/waiter-latency.md");
		RedisServer redis = new RedisServer();
		redis.start();
		List<LettuceConnectionFactory> connections = new ArrayList<>();
		try {
			StringBuilder table = new StringBuilder()
				.append("| loader | mode | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|\n");
			for (long loaderMillis : LOADER_MILLIS) {
				for (boolean wakeUp : new boolean[] { false, true }) {
					double[] extra = measure(redis, connections, loaderMillis, wakeUp);
					String row = String.format("| %d ms | %s | %.2f | %.2f | %.2f |%n", loaderMillis,
							wakeUp ? "wake-up" : "polling", percentile(extra, 50), percentile(extra, 99),
							extra[extra.length - 1]);
					System.out.print(row);
					table.append(row);
				}
			}
			String report = "Extra latency of a waiting caller: from the winner's loader returning (its write "
					+ "follows) to the waiter's return. Redis " + "on loopback, " + WAITERS + " waiting engines x "
					+ ROUNDS + " rounds per row after " + WARM_UP_ROUNDS + " warm-up rounds, default backoff (5 ms to 200 ms, jitter 0.5). Measured "
					+ LocalDate.now() + " on " + Runtime.getRuntime().availableProcessors() + " cores.\n\n" + table;
			Files.createDirectories(output.toAbsolutePath().getParent());
			Files.writeString(output, report);
			System.out.println("Written to " + output);
		}
		finally {
			connections.forEach(LettuceConnectionFactory::destroy);
			redis.stop();
		}
	}

	private static double[] measure(RedisServer redis, List<LettuceConnectionFactory> connections, long loaderMillis,
			boolean wakeUp) throws Exception {
		StampedeSettings settings = new StampedeSettings(CacheSettings.DEFAULTS, Map.of());
		Stampede winner = engine(redis, connections, settings, true);
		List<Stampede> waiters = new ArrayList<>();
		for (int i = 0; i < WAITERS; i++) {
			waiters.add(engine(redis, connections, settings, wakeUp));
		}
		ExecutorService threads = Executors.newFixedThreadPool(WAITERS + 1);
		double[] extra = new double[ROUNDS * WAITERS];
		try {
			for (int round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
				String key = "waiter-latency-" + loaderMillis + "-" + wakeUp + "-" + round;
				CountDownLatch loading = new CountDownLatch(1);
				AtomicLong written = new AtomicLong();
				Future<?> win = threads.submit(() -> winner.get("bench", key, () -> {
					loading.countDown();
					Thread.sleep(loaderMillis);
					written.set(System.nanoTime());
					return "value";
				}));
				loading.await();
				List<Future<Long>> waits = new ArrayList<>();
				for (Stampede waiter : waiters) {
					waits.add(threads.submit(() -> {
						waiter.get("bench", key, () -> {
							throw new IllegalStateException("a waiter loaded");
						});
						return System.nanoTime();
					}));
				}
				win.get(1, TimeUnit.MINUTES);
				for (int i = 0; i < WAITERS; i++) {
					long returned = waits.get(i).get(1, TimeUnit.MINUTES);
					if (round >= 0) {
						extra[round * WAITERS + i] = Math.max(0, returned - written.get()) / 1_000_000.0;
					}
				}
			}
		}
		finally {
			threads.shutdownNow();
			winner.close();
			waiters.forEach(Stampede::close);
		}
		Arrays.sort(extra);
		return extra;
	}

	private static Stampede engine(RedisServer redis, List<LettuceConnectionFactory> connections,
			StampedeSettings settings, boolean wakeUp) {
		LettuceConnectionFactory connection = redis.connectionFactory();
		connections.add(connection);
		RedisBackend backend = new RedisBackend(connection, new JdkSerializationCodec(null));
		return new Stampede(wakeUp ? backend : new PollingOnly(backend), settings, "", Clock.systemUTC());
	}

	private static double percentile(double[] sorted, int percentile) {
		int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	/** The Redis backend with its notifications switched off: waiters only poll. */
	private static final class PollingOnly extends ForwardingBackend {

		PollingOnly(StampedeBackend delegate) {
			super(delegate);
		}

		@Override
		public AutoCloseable subscribe(KeyEventListener listener) {
			return () -> {
			};
		}

		@Override
		public void publishEviction(String cache, String key) {
		}

	}

}
