package dev.stampede;

import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.stampede.backend.ForwardingBackend;
import dev.stampede.backend.Slot;
import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

	@Test
	void anAsynchronousCallUsesTheBackendOnlyOnTheEnginesThreadsNeverOnTheCallersNorOnTheOneThatEndsItsLoad()
			throws Exception {
		ThreadRecordingBackend backend = new ThreadRecordingBackend();
		try (Stampede engine = new Stampede(backend)) {
			// The first call learns the key's generation from the backend; the loads end on this
			// thread, after the engine registered for their completion.
			CompletableFuture<Object> load = new CompletableFuture<>();
			CountDownLatch loading = new CountDownLatch(1);
			CompletableFuture<Object> loaded = engine.getAsync("c", "key", () -> {
				loading.countDown();
				return load;
			});
			assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
			load.complete("loaded");
			assertThat(loaded.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
			CompletableFuture<Object> failingLoad = new CompletableFuture<>();
			CountDownLatch failing = new CountDownLatch(1);
			CompletableFuture<Object> failed = engine.getAsync("c", "other", () -> {
				failing.countDown();
				return failingLoad;
			});
			assertThat(failing.await(10, TimeUnit.SECONDS)).isTrue();
			failingLoad.completeExceptionally(new IllegalStateException("boom"));
			assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("boom");
			assertThat(backend.operations).contains("generation", "read", "tryLease", "fulfilLease", "abandonLease");
			assertThat(backend.threads).allSatisfy((name) -> assertThat(name).startsWith("stampede-async-"));
			assertThat(engine.getAsync("c", "other", () -> CompletableFuture.completedFuture("reloaded"))
				.get(10, TimeUnit.SECONDS)).as("the failed load's lease was released").isEqualTo("reloaded");
		}
	}

	/** A shared backend as the engine sees one (not in-process), naming each thread that called it. */
	private static final class ThreadRecordingBackend extends ForwardingBackend {

		final Set<String> threads = ConcurrentHashMap.newKeySet();

		final Set<String> operations = ConcurrentHashMap.newKeySet();

		ThreadRecordingBackend() {
			super(new LocalBackend(100));
		}

		@Override
		public boolean isInProcess() {
			return false;
		}

		@Override
		public long generation(String key) {
			record("generation");
			return super.generation(key);
		}

		@Override
		public Slot read(String key, Type valueType) {
			record("read");
			return super.read(key, valueType);
		}

		@Override
		public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl, LoadEstimate estimate) {
			record("tryLease");
			return super.tryLease(key, observed, token, leaseTtl, estimate);
		}

		@Override
		public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
			record("fulfilLease");
			return super.fulfilLease(cache, key, token, envelope, ttl);
		}

		@Override
		public void abandonLease(String cache, String key, String token) {
			record("abandonLease");
			super.abandonLease(cache, key, token);
		}

		private void record(String operation) {
			this.threads.add(Thread.currentThread().getName());
			this.operations.add(operation);
		}

	}

}
