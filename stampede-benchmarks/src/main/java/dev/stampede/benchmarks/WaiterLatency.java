package dev.stampede.benchmarks;

import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.memcached.MemcachedBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.test.MemcachedServer;
import dev.stampede.test.ReadCountingBackend;
import dev.stampede.test.RedisServer;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * How long after the winner's value is written a waiting caller in another engine
 * returns, and how many reads it makes meanwhile, for several loader latencies, side
 * by side in one run: on memcached with plain backoff and with waits informed by the
 * lease's load estimate, on Redis with plain backoff, informed without wake-ups (as
 * when a wake-up is lost), and with pub/sub wake-up. Each engine has its own
 * connection, as separate JVMs would. Writes a Markdown table to
 * docs/benchmarks/waiter-latency.md.
 */
public final class WaiterLatency {

	private static final int ROUNDS = 30;

	// Rounds run first and not recorded, so that class loading and JIT compilation are done,
	// and the winner's call site has an estimate of its loads.
	private static final int WARM_UP_ROUNDS = 5;

	private static final int WAITERS = 4;

	private static final long[] LOADER_MILLIS = { 20, 200, 1000 };

	private WaiterLatency() {
	}

	/** How the waiting engines learn that the value is there. */
	private enum Mode {

		MEMCACHED_POLLING("memcached", "polling", false, false),

		MEMCACHED_INFORMED("memcached", "informed", false, true),

		REDIS_POLLING("redis", "polling", false, false),

		REDIS_INFORMED("redis", "informed, no wake-up", false, true),

		REDIS_WAKE_UP("redis", "wake-up", true, true);

		final String store;

		final String label;

		final boolean wakeUp;

		final boolean informed;

		Mode(String store, String label, boolean wakeUp, boolean informed) {
			this.store = store;
			this.label = label;
			this.wakeUp = wakeUp;
			this.informed = informed;
		}

	}

	public static void main(String[] args) throws Exception {
		Path output = (args.length > 0) ? Path.of(args[0])
				: Path.of(System.getProperty("benchmarks.out", "docs/benchmarks"), "waiter-latency.md");
		RedisServer redis = new RedisServer();
		MemcachedServer memcached = new MemcachedServer();
		redis.start();
		memcached.start();
		Servers servers = new Servers(redis, memcached, new ArrayList<>());
		try {
			StringBuilder table = new StringBuilder().append(
					"| loader | backend | mode | p50 ms | p99 ms | max ms | gets per waiter | most gets | call-throughs |\n"
							+ "|---|---|---|---|---|---|---|---|---|\n");
			for (long loaderMillis : LOADER_MILLIS) {
				for (Mode mode : Mode.values()) {
					Result result = measure(servers, loaderMillis, mode);
					double[] extra = result.extraMillis();
					String row = String.format("| %d ms | %s | %s | %.2f | %.2f | %.2f | %.1f | %d | %d |%n",
							loaderMillis, mode.store, mode.label, percentile(extra, 50), percentile(extra, 99),
							extra[extra.length - 1], result.meanReads(), result.mostReads(), result.callThroughs());
					System.out.print(row);
					table.append(row);
				}
			}
			String report = "Extra latency of a waiting caller: from the winner's loader returning (its write "
					+ "follows) to the waiter's return, and the reads (memcached gets, Redis GETs) each waiter made, "
					+ "its first miss included. memcached and Redis on loopback, " + WAITERS + " waiting engines x "
					+ ROUNDS + " rounds per row after " + WARM_UP_ROUNDS + " warm-up rounds, a new key each round "
					+ "(so the lease's estimate is the winner's call site's), default backoff (5 ms to 200 ms, "
					+ "jitter 0.5). Polling ignores the lease's load estimate, as engines did before leases carried "
					+ "one. A waiter whose reads time out calls through and is counted. Measured " + LocalDate.now() + " on " + Runtime.getRuntime().availableProcessors()
					+ " cores.\n\n" + table;
			Files.createDirectories(output.toAbsolutePath().getParent());
			Files.writeString(output, report);
			System.out.println("Written to " + output);
		}
		finally {
			servers.redisConnections().forEach(LettuceConnectionFactory::destroy);
			redis.stop();
			memcached.stop();
		}
	}

	private static Result measure(Servers servers, long loaderMillis, Mode mode) throws Exception {
		StampedeSettings settings = new StampedeSettings(CacheSettings.DEFAULTS, Map.of());
		Stampede winner = new Stampede(backend(servers, mode.store), settings, "", Clock.systemUTC());
		List<Stampede> waiters = new ArrayList<>();
		List<ReadCountingBackend> reads = new ArrayList<>();
		for (int i = 0; i < WAITERS; i++) {
			StampedeBackend backend = backend(servers, mode.store);
			if (!mode.wakeUp) {
				backend = new PollingOnly(backend);
			}
			if (!mode.informed) {
				backend = new Uninformed(backend);
			}
			ReadCountingBackend counting = new ReadCountingBackend(backend);
			reads.add(counting);
			waiters.add(new Stampede(counting, settings, "", Clock.systemUTC()));
		}
		ExecutorService threads = Executors.newFixedThreadPool(WAITERS + 1);
		double[] extra = new double[ROUNDS * WAITERS];
		long[] readCounts = new long[ROUNDS * WAITERS];
		AtomicLong callThroughs = new AtomicLong();
		try {
			for (int round = -WARM_UP_ROUNDS; round < ROUNDS; round++) {
				String key = "waiter-latency-" + loaderMillis + "-" + mode + "-" + round;
				boolean recorded = round >= 0;
				reads.forEach(ReadCountingBackend::reset);
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
						// A waiter whose reads time out on a loaded machine calls through: counted, not fatal.
						if (!"value".equals(waiter.get("bench", key, () -> "loaded by a waiter")) && recorded) {
							callThroughs.incrementAndGet();
						}
						return System.nanoTime();
					}));
				}
				win.get(1, TimeUnit.MINUTES);
				for (int i = 0; i < WAITERS; i++) {
					long returned = waits.get(i).get(1, TimeUnit.MINUTES);
					if (round >= 0) {
						extra[round * WAITERS + i] = Math.max(0, returned - written.get()) / 1_000_000.0;
						readCounts[round * WAITERS + i] = reads.get(i).reads();
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
		return new Result(extra, readCounts, callThroughs.get());
	}

	// Engines close their backends; Redis connections are destroyed at the end.
	private static StampedeBackend backend(Servers servers, String store) {
		if (store.equals("memcached")) {
			return MemcachedBackend.connect(servers.memcached().address(), Duration.ofSeconds(1),
					Duration.ofSeconds(1), new JdkSerializationCodec(null));
		}
		LettuceConnectionFactory connection = servers.redis().connectionFactory();
		servers.redisConnections().add(connection);
		return new RedisBackend(connection, new JdkSerializationCodec(null));
	}

	private static double percentile(double[] sorted, int percentile) {
		int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private record Servers(RedisServer redis, MemcachedServer memcached,
			List<LettuceConnectionFactory> redisConnections) {
	}

	private record Result(double[] extraMillis, long[] reads, long callThroughs) {

		double meanReads() {
			return Arrays.stream(this.reads).average().orElse(0);
		}

		long mostReads() {
			return Arrays.stream(this.reads).max().orElse(0);
		}

	}

	/** A backend with its notifications switched off: waiters only poll. */
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

	/** A backend whose leases read without their load estimate, as leases did before they carried one. */
	private static final class Uninformed extends ForwardingBackend {

		Uninformed(StampedeBackend delegate) {
			super(delegate);
		}

		@Override
		public Slot read(String key, Type valueType) {
			Slot slot = delegate().read(key, valueType);
			return (slot instanceof Slot.Leased leased) ? new Slot.Leased(leased.token()) : slot;
		}

	}

}
