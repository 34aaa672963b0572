package dev.stampede.test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.stampede.CacheSettings;
import dev.stampede.RefreshMode;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.memcached.MemcachedBackend;
import dev.stampede.test.Stampedes.CallResult;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A minute of load on hundreds of keys with short TTLs and a loader that fails at
 * random, while memcached is restarted twice: no caller gets a wrong value or hangs,
 * and nothing is left behind.
 */
@Tag("soak")
class SoakTest {

	private static final Duration RUN = Duration.ofSeconds(60);

	private static final int KEYS = 300;

	private static final Duration OP_TIMEOUT = Duration.ofMillis(500);

	private static final CacheSettings SETTINGS = CacheSettings.builder()
		.ttl(Duration.ofMillis(300))
		.staleTtl(Duration.ofMillis(500))
		.refresh(RefreshMode.ASYNC)
		.leaseTtl(Duration.ofSeconds(2))
		.maxWait(Duration.ofSeconds(3))
		.backoffMax(Duration.ofMillis(100))
		.build();

	// Longest a call may take: a backend timeout, the longest wait, a load, and slack for this busy machine.
	private static final Duration CALL_BOUND = OP_TIMEOUT.plus(SETTINGS.maxWait()).plusMillis(20).plusSeconds(2);

	@RegisterExtension
	final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@Test
	void aMinuteOfFailuresAndRestartsLeavesNoWrongValueNoHungCallerAndNothingBehind() throws Exception {
		int threadsBefore = Thread.activeCount();
		List<MemcachedBackend> backends = new ArrayList<>();
		List<Stampede> engines = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			MemcachedBackend backend = MemcachedBackend.connect(this.memcached.server().address(), OP_TIMEOUT,
					Duration.ofSeconds(1), new dev.stampede.codec.JdkSerializationCodec(null));
			backends.add(backend);
			engines.add(new Stampede(backend, new StampedeSettings(SETTINGS, Map.of()), "soak:", Clock.systemUTC()));
		}
		AtomicInteger wrongValues = new AtomicInteger();
		AtomicInteger loaderFailures = new AtomicInteger();
		AtomicLong slowestCall = new AtomicLong();
		AtomicInteger thread = new AtomicInteger();
		long deadline = System.nanoTime() + RUN.toNanos();
		Thread restarts = new Thread(() -> {
			sleep(RUN.dividedBy(3));
			this.memcached.server().restart();
			sleep(RUN.dividedBy(3));
			this.memcached.server().restart();
		}, "restarts");
		restarts.start();
		List<CallResult> outcomes = Stampedes.run(32, RUN.plus(CALL_BOUND).plusSeconds(30), () -> {
			Stampede engine = engines.get(thread.getAndIncrement() % engines.size());
			long calls = 0;
			while (System.nanoTime() < deadline) {
				String key = "key-" + ThreadLocalRandom.current().nextInt(KEYS);
				long start = System.nanoTime();
				try {
					Object value = engine.get("soak", key, () -> {
						Thread.sleep(ThreadLocalRandom.current().nextInt(20));
						if (ThreadLocalRandom.current().nextInt(10) == 0) {
							throw new IllegalStateException("random failure of " + key);
						}
						return "value-of-" + key;
					});
					if (!("value-of-" + key).equals(value)) {
						wrongValues.incrementAndGet();
					}
				}
				catch (IllegalStateException ex) {
					if (!ex.getMessage().equals("random failure of " + key)) {
						wrongValues.incrementAndGet();
					}
					loaderFailures.incrementAndGet();
				}
				slowestCall.accumulateAndGet(System.nanoTime() - start, Math::max);
				calls++;
			}
			return calls;
		});
		restarts.join();
		assertThat(outcomes).extracting(CallResult::failure).containsOnlyNulls();
		assertThat(outcomes.stream().mapToLong((outcome) -> (Long) outcome.value()).sum()).isGreaterThan(10_000);
		assertThat(wrongValues).hasValue(0);
		assertThat(loaderFailures).hasPositiveValue();
		assertThat(Duration.ofNanos(slowestCall.get())).isLessThan(CALL_BOUND);
		await().atMost(Duration.ofSeconds(10)).until(() -> engines.stream()
			.allMatch((engine) -> engine.inspection().inFlightCount() == 0 && engine.inspection().stats("soak").leasesHeld() == 0));
		engines.forEach(Stampede::close);
		backends.forEach(MemcachedBackend::close);
		await().atMost(Duration.ofSeconds(10)).until(() -> Thread.activeCount() <= threadsBefore + 2);
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
