package dev.stampede;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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

}
