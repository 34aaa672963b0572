package dev.stampede.test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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

	private static final Duration OP_TIMEOUT = Duration.ofMillis(500);

	private static final Duration FAULT = Duration.ofSeconds(3);

	// For a machine busy with other tests: the bounds above are about seconds, not this.
	private static final Duration SLACK = Duration.ofMillis(900);

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

	@Test
	void aPausedServerCostsTheDatabaseAtMostOneLoadPerKeyPerJvmPerTtl() throws Exception {
		assertKindToTheDatabase(() -> {
			server().pause();
			sleep(FAULT);
			server().resume();
		});
	}

	@Test
	void aKilledServerCostsTheDatabaseAtMostOneLoadPerKeyPerJvmPerTtl() throws Exception {
		assertKindToTheDatabase(() -> {
			server().kill();
			sleep(FAULT);
			server().start();
		});
	}

	@Test
	void aRestartedServerCostsTheDatabaseAtMostOneLoadPerKeyPerJvmPerTtl() throws Exception {
		assertKindToTheDatabase(() -> server().restart());
	}

	/**
	 * Two engines (two JVMs) of 8 threads each read 4 hot keys while {@code fault} runs:
	 * no caller fails, none waits longer than two operation timeouts and a load (a
	 * lease whose answer was lost is given back by its token, which can cost one more
	 * timeout), and the database sees at most one load per key per engine per ttl, plus
	 * the one in progress as the fault begins.
	 */
	private void assertKindToTheDatabase(Runnable fault) throws Exception {
		Duration ttl = Duration.ofSeconds(1);
		Duration load = Duration.ofMillis(100);
		CacheSettings settings = CacheSettings.from(settings(FailurePolicy.CALL_THROUGH)).ttl(ttl).build();
		List<Stampede> engines = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			StampedeBackend connected = connect();
			closeAfterTest(connected);
			Stampede engine = new Stampede(new CircuitBreakingBackend(connected, 3, Duration.ofSeconds(1)),
					new StampedeSettings(settings, Map.of()), "", Clock.systemUTC());
			closeAfterTest(engine);
			engines.add(engine);
		}
		List<long[]> loadTimes = new CopyOnWriteArrayList<>();
		AtomicInteger failures = new AtomicInteger();
		AtomicLong slowest = new AtomicLong();
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService callers = Executors.newFixedThreadPool(16);
		closeAfterTest(callers::shutdownNow);
		List<Future<?>> done = new ArrayList<>();
		for (int e = 0; e < engines.size(); e++) {
			Stampede engine = engines.get(e);
			int engineIndex = e;
			for (int t = 0; t < 8; t++) {
				int thread = t;
				done.add(callers.submit(() -> {
					int call = thread;
					while (running.get()) {
						int key = call++ % 4;
						long start = System.nanoTime();
						try {
							engine.get("outage", "hot-" + key, () -> {
								loadTimes.add(new long[] { System.nanoTime(), engineIndex, key });
								Thread.sleep(load.toMillis());
								return "v" + key;
							});
						}
						catch (RuntimeException ex) {
							failures.incrementAndGet();
						}
						slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
						Thread.sleep(5);
					}
					return null;
				}));
			}
		}
		sleep(Duration.ofMillis(500));
		long faultStart = System.nanoTime();
		fault.run();
		long faultEnd = System.nanoTime();
		sleep(Duration.ofMillis(500));
		running.set(false);
		for (Future<?> caller : done) {
			caller.get(30, TimeUnit.SECONDS);
		}
		assertThat(failures).hasValue(0);
		assertThat(Duration.ofNanos(slowest.get())).isLessThan(OP_TIMEOUT.multipliedBy(2).plus(load).plus(SLACK));
		long periods = (faultEnd - faultStart + ttl.toNanos() - 1) / ttl.toNanos();
		for (int e = 0; e < engines.size(); e++) {
			for (int key = 0; key < 4; key++) {
				int engineIndex = e;
				int keyIndex = key;
				long loads = loadTimes.stream()
					.filter((loaded) -> loaded[1] == engineIndex && loaded[2] == keyIndex)
					.filter((loaded) -> loaded[0] - faultStart >= 0 && faultEnd - loaded[0] >= 0)
					.count();
				assertThat(loads).as("loads of key %d by engine %d during a fault of %d ms", key, e,
						TimeUnit.NANOSECONDS.toMillis(faultEnd - faultStart)).isLessThanOrEqualTo(periods + 1);
			}
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
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
