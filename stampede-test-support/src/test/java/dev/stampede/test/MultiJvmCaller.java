package dev.stampede.test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.memcached.MemcachedBackend;

/**
 * One JVM of the multi-JVM stampede: at each agreed instant, many threads read one
 * cold key through their own engine; prints, per round, how many times this JVM's
 * loader ran and which values its callers got.
 * <p>
 * Arguments: servers, JVM name, threads, rounds, first round's epoch millis, key prefix.
 */
public final class MultiJvmCaller {

	static final long ROUND_SPACING_MILLIS = 1500;

	private MultiJvmCaller() {
	}

	public static void main(String[] args) throws Exception {
		String servers = args[0];
		String jvm = args[1];
		int threads = Integer.parseInt(args[2]);
		int rounds = Integer.parseInt(args[3]);
		long firstRound = Long.parseLong(args[4]);
		String keyPrefix = args[5];
		MemcachedBackend backend = MemcachedBackendTest.connect(servers);
		try (Stampede engine = new Stampede(backend, new StampedeSettings(EngineContract.SETTINGS, Map.of()),
				"multi-jvm:", Clock.systemUTC())) {
			ExecutorService pool = Executors.newFixedThreadPool(threads);
			for (int round = 0; round < rounds; round++) {
				String key = keyPrefix + "-" + round;
				AtomicInteger loads = new AtomicInteger();
				CountDownLatch start = new CountDownLatch(1);
				List<Future<Object>> calls = new ArrayList<>();
				for (int i = 0; i < threads; i++) {
					calls.add(pool.submit(() -> {
						start.await();
						return engine.get("multi", key, () -> {
							loads.incrementAndGet();
							Thread.sleep(200);
							return jvm + "@" + System.nanoTime();
						});
					}));
				}
				long wait = firstRound + round * ROUND_SPACING_MILLIS - System.currentTimeMillis();
				boolean late = wait < 0;
				Thread.sleep(Math.max(0, wait));
				start.countDown();
				TreeSet<String> values = new TreeSet<>();
				for (Future<Object> call : calls) {
					values.add(Objects.toString(call.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)));
				}
				System.out.println("ROUND " + round + " loads=" + loads.get() + " callers=" + threads + " late=" + late
						+ " values=" + String.join(",", values));
			}
			pool.shutdownNow();
		}
		finally {
			backend.close();
		}
		System.out.flush();
		Thread.sleep(Duration.ofMillis(50).toMillis());
	}

}
