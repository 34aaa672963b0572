package dev.stampede;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where loads run: on their caller's thread unless a timeout applies to them, then on
 * the engine's bounded loader threads, and on the caller's thread again, without
 * timeouts, when every loader thread is busy.
 */
class LoadTimeoutsTest {

	private static final CacheSettings HARD_TIMEOUT = CacheSettings.builder()
		.hardTimeout(Duration.ofSeconds(5))
		.build();

	@Test
	void aLoadRunsOnItsCallersThreadUnlessATimeoutAppliesToIt() {
		CacheSettings softOnly = CacheSettings.builder().softTimeout(Duration.ofSeconds(1)).build();
		try (Stampede plain = engine(CacheSettings.DEFAULTS, 4);
				Stampede soft = engine(softOnly, 4);
				Stampede hard = engine(HARD_TIMEOUT, 4)) {
			Thread caller = Thread.currentThread();
			assertThat(plain.get("c", "k", () -> Thread.currentThread())).isSameAs(caller);
			// soft-timeout applies only to a load that has something to serve instead: a cold key has not.
			assertThat(soft.get("c", "k", () -> Thread.currentThread())).isSameAs(caller);
			assertThat(hard.get("c", "k", () -> Thread.currentThread().getName())).asString()
				.startsWith("stampede-load-");
		}
	}

	@Test
	void loadsBeyondTheLoaderThreadsRunOnTheirCallersThreadsWithoutTimeouts() throws Exception {
		int loaders = 4;
		int keys = 16;
		ExecutorService callers = Executors.newFixedThreadPool(keys);
		try (Stampede engine = engine(HARD_TIMEOUT, loaders)) {
			// Every load holds its thread until all of them have started: none is free to take another.
			CountDownLatch allStarted = new CountDownLatch(keys);
			Map<String, String> ranOn = new ConcurrentHashMap<>();
			List<Future<String>> calls = IntStream.range(0, keys)
				.mapToObj((i) -> callers.submit(() -> engine.get("c", "key-" + i, () -> {
					allStarted.countDown();
					assertThat(allStarted.await(30, TimeUnit.SECONDS)).isTrue();
					ranOn.put("key-" + i, Thread.currentThread().getName());
					return "value-" + i;
				})))
				.toList();
			for (int i = 0; i < keys; i++) {
				assertThat(calls.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("value-" + i);
			}
			assertThat(ranOn.values().stream().filter((thread) -> thread.startsWith("stampede-load-")))
				.hasSize(loaders);
			assertThat(ranOn.values().stream().filter((thread) -> thread.startsWith("pool-"))).hasSize(keys - loaders);
			assertThat(engine.inspection().stats("c").calls(Outcome.ERROR)).isZero();
		}
		finally {
			callers.shutdownNow();
		}
	}

	private static Stampede engine(CacheSettings settings, int loadThreads) {
		return new Stampede(new LocalBackend(100), new StampedeSettings(settings, Map.of()), "", Clock.systemUTC(),
				new EngineThreads(1, 16, 2, loadThreads, (task) -> {
					Thread thread = new Thread(task);
					thread.setDaemon(true);
					return thread;
				}));
	}

}
