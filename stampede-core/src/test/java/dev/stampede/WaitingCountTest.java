package dev.stampede;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.backend.Slot;
import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StampedeInspection#waitingCount()} counts the keys whose resolution waits for a
 * lease that another caller holds. A caller that stopped waiting (it took the lease over,
 * its {@code max-wait} ran out and it calls through, or it has its answer) is not waiting.
 */
class WaitingCountTest {

	private static final Duration HELD = Duration.ofMinutes(1);

	@Test
	void aWaiterThatTookADeadHoldersLeaseOverIsNotCountedWhileItLoads() {
		LocalBackend backend = new LocalBackend(100);
		try (Stampede engine = engine(backend, Duration.ofMillis(300), Duration.ofSeconds(20))) {
			hold(engine, backend, "dead-holder", Duration.ofMillis(300));
			AtomicInteger waitingDuringLoad = new AtomicInteger(-1);
			Object value = engine.get("c", "key", () -> {
				waitingDuringLoad.set(engine.inspection().waitingCount());
				return "taken over";
			});
			assertThat(value).isEqualTo("taken over");
			assertThat(waitingDuringLoad).as("keys counted as waiting while the winner loads").hasValue(0);
			assertThat(engine.inspection().waitingCount()).isZero();
		}
	}

	@Test
	void aWaiterWhoseMaxWaitRanOutIsNotCountedWhileItCallsThrough() {
		LocalBackend backend = new LocalBackend(100);
		try (Stampede engine = engine(backend, HELD, Duration.ofMillis(200))) {
			hold(engine, backend, "slow-holder", HELD);
			AtomicInteger waitingDuringLoad = new AtomicInteger(-1);
			Object value = engine.get("c", "key", () -> {
				waitingDuringLoad.set(engine.inspection().waitingCount());
				return "called through";
			});
			assertThat(value).isEqualTo("called through");
			assertThat(waitingDuringLoad).as("keys counted as waiting while the caller calls through").hasValue(0);
		}
	}

	@Test
	void anAsynchronousWaiterWhoseMaxWaitRanOutIsNotCountedWhileItCallsThrough() throws Exception {
		LocalBackend backend = new LocalBackend(100);
		try (Stampede engine = engine(backend, HELD, Duration.ofMillis(200))) {
			hold(engine, backend, "slow-holder", HELD);
			AtomicInteger waitingDuringLoad = new AtomicInteger(-1);
			Object value = engine.getAsync("c", "key", () -> {
				waitingDuringLoad.set(engine.inspection().waitingCount());
				return CompletableFuture.completedFuture("called through");
			}).get(20, TimeUnit.SECONDS);
			assertThat(value).isEqualTo("called through");
			assertThat(waitingDuringLoad).as("keys counted as waiting while the caller calls through").hasValue(0);
		}
	}

	@Test
	void anAsynchronousWaiterIsNoLongerCountedOnceItsCallerHasTheValue() throws Exception {
		LocalBackend backend = new LocalBackend(100);
		try (Stampede engine = engine(backend, HELD, Duration.ofSeconds(20))) {
			String key = hold(engine, backend, "holder", HELD);
			CompletableFuture<Object> call = engine.getAsync("c", "key",
					() -> CompletableFuture.completedFuture("not this one"));
			AtomicInteger waitingWhenAnswered = new AtomicInteger(-1);
			CompletableFuture<Object> answered = call
				.whenComplete((value, failure) -> waitingWhenAnswered.set(engine.inspection().waitingCount()));
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (engine.inspection().waitingCount() == 0 && System.nanoTime() - deadline < 0) {
				Thread.sleep(5);
			}
			assertThat(engine.inspection().waitingCount()).as("the caller waits").isOne();
			backend.fulfilLease("c", key, "holder", new Envelope("the holder's", Long.MAX_VALUE, Long.MAX_VALUE, 5),
					Duration.ofMinutes(1));
			assertThat(answered.get(10, TimeUnit.SECONDS)).isEqualTo("the holder's");
			assertThat(waitingWhenAnswered).as("keys counted as waiting when the caller has its value").hasValue(0);
		}
	}

	private static String hold(Stampede engine, LocalBackend backend, String token, Duration ttl) {
		String key = engine.inspection().backendKey("c", "key");
		assertThat(backend.tryLease(key, Slot.EMPTY, token, ttl)).isTrue();
		return key;
	}

	private static Stampede engine(LocalBackend backend, Duration leaseTtl, Duration maxWait) {
		CacheSettings settings = CacheSettings.builder().leaseTtl(leaseTtl).maxWait(maxWait).build();
		return new Stampede(backend, new StampedeSettings(settings, Map.of()), "", Clock.systemUTC());
	}

}
