package dev.stampede;

import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.backend.ForwardingBackend;
import dev.stampede.backend.Slot;
import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An asynchronous waiter's next run is scheduled before the run that scheduled it has let
 * go of the flight. When the thread of that run is held up for longer than the pause (here:
 * the scheduler starting a worker thread, which it does on that very thread; in production
 * also any preemption longer than a 2 ms fine-polling pause), the next run starts on another
 * scheduler thread, finds the attempt still marked as running and returns. Nothing is
 * scheduled after it: the flight never completes, not even after {@code max-wait}.
 */
class AsyncFlightRaceTest {

	@Test
	void aPausesRunThatStartsBeforeTheRunThatScheduledItHasReturnedIsNotLost() throws Exception {
		AtomicBoolean armed = new AtomicBoolean();
		CountDownLatch holdingUp = new CountDownLatch(1);
		CountDownLatch letGo = new CountDownLatch(1);
		EngineThreads threads = new EngineThreads(1, 16, 8, (task) -> {
			// A scheduler thread that submits the next run starts a new worker: hold it up there.
			if (Thread.currentThread().getName().startsWith("stampede-async-") && armed.compareAndSet(true, false)) {
				holdingUp.countDown();
				try {
					letGo.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			Thread thread = new Thread(task);
			thread.setDaemon(true);
			return thread;
		});
		LocalBackend local = new LocalBackend(100);
		AtomicInteger reads = new AtomicInteger();
		ForwardingBackend counting = new ForwardingBackend(local) {
			@Override
			public Slot read(String key, Type valueType) {
				reads.incrementAndGet();
				return super.read(key, valueType);
			}
		};
		CacheSettings settings = CacheSettings.builder()
			.leaseTtl(Duration.ofMinutes(1))
			.maxWait(Duration.ofSeconds(2))
			.backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), 1.0, 0))
			.build();
		try (Stampede engine = new Stampede(counting, new StampedeSettings(settings, Map.of()), "",
				Clock.systemUTC(), threads)) {
			String key = engine.inspection().backendKey("c", "key");
			assertThat(local.tryLease(key, Slot.EMPTY, "holder", Duration.ofMinutes(1))).isTrue();
			CompletableFuture<Object> call = engine.getAsync("c", "key",
					() -> CompletableFuture.completedFuture("called through"));
			// Waiting with pauses: the scheduler has started a few of its eight threads.
			awaitTrue(() -> reads.get() >= 4);
			ScheduledThreadPoolExecutor scheduler = (ScheduledThreadPoolExecutor) threads.scheduler();
			armed.set(true);
			assertThat(holdingUp.await(10, TimeUnit.SECONDS)).as("a run was held up submitting its next").isTrue();
			long completed = scheduler.getCompletedTaskCount();
			// The next run, 10 ms later, runs on another thread while this one is held up.
			awaitTrue(() -> scheduler.getCompletedTaskCount() > completed);
			letGo.countDown();
			assertThat(call.get(20, TimeUnit.SECONDS)).isEqualTo("called through");
			assertThat(engine.inspection().inFlightCount()).isZero();
			assertThat(engine.inspection().waitingCount()).isZero();
		}
		finally {
			letGo.countDown();
		}
	}

	private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime() - deadline).as("waited 10 s").isNegative();
			Thread.sleep(5);
		}
	}

}
