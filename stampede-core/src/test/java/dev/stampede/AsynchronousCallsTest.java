package dev.stampede;

import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.stampede.backend.ForwardingBackend;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class AsynchronousCallsTest {

	@Test
	void aThreadThatCannotBeStartedFailsTheCallAndLeavesNoFlightBehind() throws Exception {
		AtomicBoolean threadsAvailable = new AtomicBoolean(false);
		EngineThreads threads = new EngineThreads(1, 1, 1, (task) -> {
			if (!threadsAvailable.get()) {
				throw new OutOfMemoryError("unable to create native thread");
			}
			return new Thread(task);
		});
		try (Stampede engine = new Stampede(new LocalBackend(100), StampedeSettings.standard(), "",
				Clock.systemUTC(), threads)) {
			CompletableFuture<Object> failed = engine.getAsync("c", "key",
					() -> CompletableFuture.completedFuture("never loaded"));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(OutOfMemoryError.class);
			assertThat(engine.inspection().inFlightCount()).isZero();
			assertThat(engine.get("c", "key", () -> "loaded")).isEqualTo("loaded");
			threadsAvailable.set(true);
			engine.evict("c", "key");
			assertThat(engine.getAsync("c", "key", () -> CompletableFuture.completedFuture("loaded later"))
				.get(10, TimeUnit.SECONDS)).isEqualTo("loaded later");
		}
	}

	@Test
	void callsUnderWayWhenTheEngineClosesFailRatherThanHang() throws Exception {
		Stampede engine = new Stampede(new LocalBackend(100));
		CompletableFuture<Object> never = new CompletableFuture<>();
		CompletableFuture<Object> call = engine.getAsync("c", "key", () -> never);
		engine.close();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> call.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(StampedeException.class);
		assertThat(engine.inspection().inFlightCount()).isZero();
	}

	@RepeatedTest(3)
	void aWaiterWhosePauseTheClosingEngineRefusesHearsThatTheEngineIsClosed() throws Exception {
		LocalBackend store = new LocalBackend(100);
		AtomicBoolean armed = new AtomicBoolean();
		CountDownLatch reading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		StampedeBackend held = new ForwardingBackend(store) {
			@Override
			public Slot read(String key, Type valueType) {
				if (armed.compareAndSet(true, false)) {
					reading.countDown();
					Uninterrupted.run(() -> {
						try {
							release.await();
						}
						catch (InterruptedException ex) {
							throw new IllegalStateException(ex);
						}
					});
				}
				return super.read(key, valueType);
			}
		};
		try (Stampede holder = new Stampede(store)) {
			holder.getAsync("c", "key", CompletableFuture::new);
			Stampede engine = new Stampede(held);
			CompletableFuture<Object> call = engine.getAsync("c", "key", () -> CompletableFuture.completedFuture("v"));
			await().atMost(Duration.ofSeconds(10)).until(() -> engine.inspection().waitingCount() == 1);
			armed.set(true);
			assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
			// The engine's scheduler is shut down while the waiter reads; its next pause is refused.
			Thread closer = new Thread(engine::close);
			closer.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> closer.getState() == Thread.State.TIMED_WAITING);
			release.countDown();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> call.get(10, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(StampedeException.class)
				.withMessage("Stampede is closed");
			closer.join(10_000);
			assertThat(engine.inspection().inFlightCount()).isZero();
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> engine.getAsync("c", "later", () -> CompletableFuture.completedFuture("v"))
					.get(10, TimeUnit.SECONDS))
				.havingCause()
				.withMessage("Stampede is closed");
		}
	}

	/**
	 * A call site of another type that joins a load under way gets a value of its own
	 * type, as a blocking caller does (it resolves on a flight of its own), never the
	 * other call site's value.
	 */
	@Test
	void anAsynchronousCallerOfAnotherTypeThatJoinsALoadGetsAValueOfItsOwnType() throws Exception {
		try (Stampede engine = new Stampede(new LocalBackend(100))) {
			CallSite strings = engine.callSite("c", CacheSettings.Overrides.NONE, "strings", String.class);
			CallSite numbers = engine.callSite("c", CacheSettings.Overrides.NONE, "numbers", Integer.class);
			CompletableFuture<String> loading = new CompletableFuture<>();
			CompletableFuture<String> string = engine.getAsync(strings, "key", () -> loading, (value) -> true);
			CompletableFuture<Integer> number = engine.getAsync(numbers, "key",
					() -> CompletableFuture.completedFuture(42), (value) -> true);
			loading.complete("a string");
			assertThat(string.get(10, TimeUnit.SECONDS)).isEqualTo("a string");
			Object answer = number.get(10, TimeUnit.SECONDS);
			assertThat(answer).isInstanceOf(Integer.class);
		}
	}

}
