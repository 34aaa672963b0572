package dev.stampede.test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.CacheSettings;
import dev.stampede.FailurePolicy;
import dev.stampede.Stampede;
import dev.stampede.StampedeBackendException;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.CircuitBreakingBackend;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.test.Stampedes.CallResult;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Protected calls while a backend's server is killed, paused or restarted: they keep
 * working, or fail clearly, and never wait past their bounds. A backend passes by
 * extending this class with a server registered per test (an instance field), since
 * every test harms it, or per class when starting one costs seconds: the extension then
 * brings back what a test harmed, and the subclass empties the server before each test.
 */
public abstract class OutageContract {

	private final List<AutoCloseable> resources = new ArrayList<>();

	private StampedeBackend backend;

	private Stampede engine;

	/** The server the backend talks to. */
	protected abstract TestServer server();

	/** Creates a backend connected to {@link #server()}, whose operations time out after 500 ms. */
	protected abstract StampedeBackend connect();

	/** Closes {@code resource} after the test, once the engine and backend are closed. */
	protected void closeAfterTest(AutoCloseable resource) {
		this.resources.add(resource);
	}

	@AfterEach
	void close() throws Exception {
		if (this.engine != null) {
			this.engine.close();
			this.backend.close();
		}
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
		this.resources.clear();
	}

	@Test
	void withCallThroughAKilledServerLeavesOneMethodCallPerKeyPerJvm() {
		Stampede engine = engine(FailurePolicy.CALL_THROUGH);
		server().kill();
		AtomicInteger loads = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(16, () -> engine.get("outage", "k", () -> {
			Thread.sleep(300);
			return "from the database " + loads.incrementAndGet();
		}));
		assertThat(loads).hasValue(1);
		assertThat(outcomes).extracting(CallResult::value).containsOnly("from the database 1");
	}

	@Test
	void withFailAKilledServerRaisesAnExceptionNamingTheBackendAndTheFix() {
		Stampede engine = engine(FailurePolicy.FAIL);
		server().kill();
		assertThatExceptionOfType(StampedeBackendException.class)
			.isThrownBy(() -> engine.get("outage", "k", () -> "never called"))
			.withMessageContaining(engine.inspection().backend().name())
			.withMessageContaining("cache 'outage' key 'k'")
			.withMessageContaining("call-through");
	}

	@Test
	void aPausedServerCostsAtMostTheOperationTimeoutAndIsUsedAgainOnceResumed() {
		Stampede engine = engine(FailurePolicy.CALL_THROUGH);
		assertThat(engine.get("outage", "before", () -> "cached")).isEqualTo("cached");
		server().pause();
		long start = System.nanoTime();
		assertThat(engine.get("outage", "during", () -> "direct")).isEqualTo("direct");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		server().resume();
		assertThat(engine.get("outage", "before", () -> "loaded again")).isEqualTo("cached");
	}

	@Test
	void sixtyFourCallersGetTheValueWhenTheServerIsKilledDuringTheLoad() {
		assertStampedeSurvives(() -> server().kill());
	}

	@Test
	void sixtyFourCallersGetTheValueWhenTheServerIsPausedDuringTheLoad() {
		assertStampedeSurvives(() -> server().pause());
	}

	@Test
	void withFailSixtyFourCallersGetTheSameClearExceptionAtOnce() {
		Stampede engine = engine(FailurePolicy.FAIL);
		server().kill();
		AtomicInteger loads = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(64, () -> engine.get("outage", "k", () -> "v" + loads.incrementAndGet()));
		assertThat(loads).hasValue(0);
		assertThat(outcomes).extracting(CallResult::failure)
			.allSatisfy((failure) -> assertThat(failure).isInstanceOf(StampedeBackendException.class)
				.hasMessageContaining("on-backend-failure is fail"));
	}

	@Test
	void afterARestartTheServerIsUsedAgainAndAStampedeIsOneLoadAgain() {
		Stampede engine = engine(FailurePolicy.CALL_THROUGH);
		server().restart();
		await().atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(200))
			.ignoreExceptions()
			.until(() -> engine.inspection().backend().read("probe") == Slot.EMPTY);
		AtomicInteger loads = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(64, () -> engine.get("outage", "after-restart", () -> {
			Thread.sleep(100);
			return "v" + loads.incrementAndGet();
		}));
		assertThat(loads).hasValue(1);
		assertThat(outcomes).extracting(CallResult::value).containsOnly("v1");
		assertThat(engine.inspection().backend().read(engine.inspection().backendKey("outage", "after-restart")))
			.isInstanceOf(Slot.Present.class);
	}

	@Test
	void aCircuitOpensAfterConsecutiveFailuresAndClosesOnceTheServerAnswersAgain() {
		this.backend = connect();
		CircuitBreakingBackend circuit = new CircuitBreakingBackend(this.backend, 3, Duration.ofSeconds(1));
		this.engine = new Stampede(circuit, new StampedeSettings(settings(FailurePolicy.CALL_THROUGH), Map.of()), "",
				Clock.systemUTC());
		this.engine.get("outage", "warm", () -> "warm");
		server().pause();
		for (int i = 0; i < 3; i++) {
			assertThat(this.engine.get("outage", "k" + i, () -> "direct")).isEqualTo("direct");
		}
		assertThat(circuit.circuitState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThatExceptionOfType(StampedeBackendException.class).isThrownBy(() -> circuit.read("anything"))
			.withMessageContaining("circuit opened");
		server().resume();
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> "warm".equals(this.engine.get("outage", "warm", () -> "direct"))
					&& circuit.circuitState() == CircuitBreaker.State.CLOSED);
	}

	// The whole stampede must finish within op-timeout + max-wait + the load, with the value for all.
	private void assertStampedeSurvives(Runnable fault) {
		Stampede engine = engine(FailurePolicy.CALL_THROUGH);
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch loading = new CountDownLatch(1);
		Thread saboteur = new Thread(() -> {
			try {
				loading.await();
				fault.run();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		saboteur.start();
		long start = System.nanoTime();
		List<CallResult> outcomes = Stampedes.run(64, () -> engine.get("outage", "mid-load", () -> {
			loading.countDown();
			Thread.sleep(400);
			return "v" + loads.incrementAndGet();
		}));
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(outcomes).extracting(CallResult::failure).containsOnlyNulls();
		assertThat(outcomes).extracting(CallResult::value).containsOnly("v1");
		assertThat(loads).hasValue(1);
		assertThat(took).isLessThan(Duration.ofMillis(500 + 5000 + 400 + 1000));
	}

	private Stampede engine(FailurePolicy onBackendFailure) {
		this.backend = connect();
		this.engine = new Stampede(this.backend, new StampedeSettings(settings(onBackendFailure), Map.of()), "",
				Clock.systemUTC());
		return this.engine;
	}

	private static CacheSettings settings(FailurePolicy onBackendFailure) {
		return CacheSettings.from(EngineContract.SETTINGS)
			.maxWait(Duration.ofSeconds(5))
			.onBackendFailure(onBackendFailure)
			.build();
	}

}
