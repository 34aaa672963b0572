package dev.stampede.observation;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.stampede.CacheSettings;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.codec.RecordCodec;
import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Stampede's observations of engines that share one Redis, each naming itself in its
 * leases as {@code stampede.instance-id} would: a waiter's names the instance whose load
 * it waited for, a winner's is current while the method runs, and hits observe nothing.
 */
class StampedeObservationsTests {

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	private static final String WEB_1 = "catalog@web-1:101";

	private static final String WEB_2 = "catalog@web-2:202";

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private final ExecutorService callers = Executors.newCachedThreadPool();

	private final Deque<AutoCloseable> closing = new ArrayDeque<>();

	@AfterEach
	void close() throws Exception {
		this.callers.shutdownNow();
		while (!this.closing.isEmpty()) {
			this.closing.pop().close();
		}
	}

	@Test
	void aWaiterNamesTheInstanceThatHeldTheLeaseAndIsPartOfTheRequestThatWaited() throws Exception {
		Stampede holder = engine(WEB_1);
		Stampede waiter = engine(WEB_2);
		waiter.addObserver(new StampedeObservations(this.registry));
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Future<Object> held = this.callers.submit(() -> holder.get("products", 42, () -> {
			loading.countDown();
			assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
			return "loaded by web-1";
		}));
		assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
		Observation request = Observation.createNotStarted("http.server.requests", this.registry);
		Future<Object> waited = this.callers.submit(() -> request.observe(() -> waiter.get("products", 42,
				() -> "loaded by web-2")));
		await().atMost(Duration.ofSeconds(10)).until(() -> waiter.inspection().waitingCount() == 1);
		release.countDown();
		assertThat(waited.get(10, TimeUnit.SECONDS)).isEqualTo("loaded by web-1");
		assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("loaded by web-1");
		assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo("stampede.wait", 1)
			.hasNumberOfObservationsWithNameEqualTo("stampede.load", 0)
			.hasObservationWithNameEqualTo("stampede.wait")
			.that()
			.hasContextualNameEqualTo("stampede wait products")
			.hasLowCardinalityKeyValue("cache", "products")
			.hasLowCardinalityKeyValue("outcome", "waited")
			.hasHighCardinalityKeyValue("key", "42")
			.hasHighCardinalityKeyValue("holder", WEB_1)
			.hasParentObservationEqualTo(request)
			.doesNotHaveError()
			.hasBeenStarted()
			.hasBeenStopped();
	}

	@Test
	void aWinnersLoadIsCurrentWhileTheMethodRunsTimedByTheMeterHandlerAndItsLeaseNamesItsInstance() {
		MeterRegistry meters = new SimpleMeterRegistry();
		this.registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		Stampede winner = engine(WEB_1);
		winner.addObserver(new StampedeObservations(this.registry));
		AtomicReference<Object> currentWhileLoading = new AtomicReference<>();
		AtomicReference<Slot> leaseWhileLoading = new AtomicReference<>();
		StampedeBackend backend = winner.inspection().backend();
		Object value = winner.get("products", 7, () -> {
			currentWhileLoading.set(this.registry.getCurrentObservation().getContext());
			leaseWhileLoading.set(backend.read(winner.inspection().backendKey("products", 7)));
			return "loaded";
		});
		assertThat(value).isEqualTo("loaded");
		assertThat(currentWhileLoading.get()).isInstanceOfSatisfying(LoadObservationContext.class,
				(context) -> assertThat(context.getKey()).isEqualTo("7"));
		assertThat(leaseWhileLoading.get()).isInstanceOfSatisfying(Slot.Leased.class,
				(lease) -> assertThat(lease.holder()).isEqualTo(WEB_1));
		assertThat(this.registry).hasSingleObservationThat()
			.hasNameEqualTo("stampede.load")
			.hasContextualNameEqualTo("stampede load products")
			.hasLowCardinalityKeyValue("cache", "products")
			.hasLowCardinalityKeyValue("outcome", "success")
			.hasHighCardinalityKeyValue("key", "7")
			.doesNotHaveParentObservation()
			.hasBeenStopped();
		assertThat(meters.get("stampede.load")
			.tags("cache", "products", "outcome", "success", "error", "none")
			.timer()
			.count()).isEqualTo(1);
		assertThat(meters.get("stampede.load.active").tags("cache", "products").longTaskTimer().activeTasks())
			.isZero();
	}

	@Test
	void aLoaderThatThrowsEndsItsLoadInError() {
		Stampede winner = engine(WEB_1);
		winner.addObserver(new StampedeObservations(this.registry));
		IllegalStateException failure = new IllegalStateException("database down");
		assertThatIllegalStateException().isThrownBy(() -> winner.get("products", 8, () -> {
			throw failure;
		}));
		assertThat(this.registry).hasSingleObservationThat()
			.hasNameEqualTo("stampede.load")
			.hasLowCardinalityKeyValue("outcome", "error")
			.hasError(failure)
			.hasBeenStopped();
	}

	@Test
	void callsAnsweredByACachedValueObserveNothing() throws Exception {
		Stampede engine = engine(WEB_1);
		StampedeObservations observations = new StampedeObservations(this.registry);
		engine.addObserver(observations);
		engine.get("products", 9, () -> "loaded");
		this.registry.clear();
		for (int i = 0; i < 20; i++) {
			assertThat(engine.get("products", 9, () -> "never")).isEqualTo("loaded");
			assertThat(engine.getAsync("products", 9, () -> CompletableFuture.completedFuture("never"))
				.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
		}
		assertThat(this.registry).doesNotHaveAnyObservation();
	}

	@Test
	void anAsynchronousCallsWaitAndLoadArePartOfTheRequestThatMadeTheCall() throws Exception {
		Stampede holder = engine(WEB_1);
		Stampede waiter = engine(WEB_2);
		waiter.addObserver(new StampedeObservations(this.registry));
		String key = holder.inspection().backendKey("products", 10);
		assertThat(holder.inspection().backend().tryLease(key, Slot.EMPTY, "held by web-1", Duration.ofSeconds(20)))
			.isTrue();
		Observation request = Observation.start("http.server.requests", this.registry);
		CompletableFuture<Object> call;
		try (Observation.Scope scope = request.openScope()) {
			call = waiter.getAsync("products", 10, () -> CompletableFuture.completedFuture("loaded by web-2"));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> waiter.inspection().waitingCount() == 1);
		holder.evict("products", 10);
		assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("loaded by web-2");
		request.stop();
		assertThat(this.registry).hasObservationWithNameEqualTo("stampede.wait")
			.that()
			.hasLowCardinalityKeyValue("outcome", "loaded")
			.hasHighCardinalityKeyValue("holder", WEB_1)
			.hasParentObservationEqualTo(request)
			.hasBeenStopped();
		assertThat(this.registry).hasObservationWithNameEqualTo("stampede.load")
			.that()
			.hasParentObservationEqualTo(request)
			.hasBeenStopped();
	}

	private Stampede engine(String instanceId) {
		LettuceConnectionFactory connection = redis.server().connectionFactory();
		this.closing.push(connection::destroy);
		RedisBackend backend = new RedisBackend(connection,
				RecordCodec.builder(new JdkSerializationCodec(null)).holder(instanceId).build());
		this.closing.push(backend);
		CacheSettings settings = CacheSettings.builder().leaseTtl(Duration.ofSeconds(20)).maxWait(Duration.ofSeconds(20))
			.build();
		Stampede engine = new Stampede(backend, new StampedeSettings(settings, Map.of()), "", Clock.systemUTC());
		this.closing.push(engine);
		return engine;
	}

}
