package dev.stampede;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What the degraded tier promises while the backend fails and as it recovers, forced
 * with a backend whose operations fail as each test decides.
 */
class DegradedTierGuaranteeTest {

	private static final Duration TTL = Duration.ofSeconds(10);

	private final SteppedClock clock = new SteppedClock();

	private final AtomicBoolean down = new AtomicBoolean();

	private final LocalBackend store = new LocalBackend(1000);

	private final List<Stampede> engines = new ArrayList<>();

	private final ExecutorService pool = Executors.newFixedThreadPool(4);

	@AfterEach
	void close() {
		this.pool.shutdownNow();
		this.engines.forEach(Stampede::close);
	}

	/**
	 * A backend that tells no events (as memcached): a put the backend stored once it
	 * answers again must be what the next call gets, as it is with the local tier.
	 */
	@Test
	void aPutStoredAfterTheBackendAnswersAgainIsWhatTheNextCallGets() {
		StampedeBackend backend = backend((method, args) -> this.down.get(), false);
		Stampede engine = engine(backend, settings(Duration.ZERO));
		assertThat(engine.get("c", "warm", () -> "up")).isEqualTo("up");
		this.down.set(true);
		assertThat(engine.get("c", "k", () -> "loaded during the outage")).isEqualTo("loaded during the outage");
		this.down.set(false);
		assertThat(engine.put("c", "k", "put after the outage")).isTrue();
		assertThat(engine.get("c", "k", () -> "loaded again")).isEqualTo("put after the outage");
	}

	/**
	 * Reads answer but leases fail (Redis over maxmemory with noeviction, a read-only
	 * replica after a failover, memcached out of memory): every call calls through,
	 * and the database must still see one load per key per ttl.
	 */
	@Test
	void whileReadsAnswerButLeasesFailEachKeyLoadsOncePerTtl() {
		AtomicBoolean leasesFail = new AtomicBoolean();
		StampedeBackend backend = backend((method, args) -> leasesFail.get() && method.equals("tryLease"), true);
		Stampede engine = engine(backend, settings(Duration.ZERO));
		assertThat(engine.get("c", "warm", () -> "up")).isEqualTo("up");
		leasesFail.set(true);
		Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
		for (int call = 0; call < 20; call++) {
			String key = "k" + (call % 2);
			assertThat(engine.get("c", key, () -> {
				loads.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
				return "v-" + key;
			})).isEqualTo("v-" + key);
		}
		assertThat(loads).hasSize(2).allSatisfy((key, count) -> assertThat(count).as(key).hasValue(1));
	}

	/**
	 * An overloaded backend times out every other read: each key is loaded at most
	 * twice per ttl, once stored through the backend and once kept while its read
	 * failed, however the failures and answers alternate.
	 */
	@Test
	void whileEveryOtherReadFailsEachKeyLoadsAtMostTwicePerTtl() {
		AtomicBoolean flapping = new AtomicBoolean();
		AtomicInteger reads = new AtomicInteger();
		StampedeBackend backend = backend(
				(method, args) -> flapping.get() && method.equals("read") && reads.incrementAndGet() % 2 == 0, true);
		Stampede engine = engine(backend, settings(Duration.ZERO));
		assertThat(engine.get("c", "warm", () -> "up")).isEqualTo("up");
		flapping.set(true);
		Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
		for (int call = 0; call < 40; call++) {
			String key = "k" + (call % 4);
			assertThat(engine.get("c", key, () -> {
				loads.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
				return "v-" + key;
			})).isEqualTo("v-" + key);
		}
		assertThat(loads).hasSize(4)
			.allSatisfy((key, count) -> assertThat(count).as(key).hasValueLessThanOrEqualTo(2));
	}

	/**
	 * A read that failed before the backend answered again, whose caller goes on after
	 * the answer: the engine must not become degraded again, nor keep that caller's
	 * load.
	 */
	@Test
	void aReadThatFailedBeforeTheBackendAnsweredAgainDoesNotKeepItsLoad() throws Exception {
		CountDownLatch failing = new CountDownLatch(1);
		CountDownLatch recovered = new CountDownLatch(1);
		StampedeBackend backend = backend((method, args) -> {
			if (!this.down.get()) {
				return false;
			}
			if (method.equals("read") && ((String) args[0]).endsWith(":late")) {
				// This read failed; its caller is held up before it hears so, until the backend answered another read.
				failing.countDown();
				recovered.await();
			}
			return true;
		}, true);
		Stampede engine = engine(backend, settings(Duration.ZERO));
		assertThat(engine.get("c", "warm", () -> "up")).isEqualTo("up");
		this.down.set(true);
		assertThat(engine.get("c", "first", () -> "during")).isEqualTo("during");
		Future<String> late = this.pool.submit(() -> engine.get("c", "late", () -> "loaded after the recovery"));
		assertThat(failing.await(10, TimeUnit.SECONDS)).isTrue();
		this.down.set(false);
		assertThat(engine.get("c", "other", () -> "stored")).isEqualTo("stored");
		assertThat(engine.inspection().isDegraded()).isFalse();
		recovered.countDown();
		assertThat(late.get(10, TimeUnit.SECONDS)).isEqualTo("loaded after the recovery");
		assertThat(engine.get("c", "late", () -> "read through the backend")).isEqualTo("read through the backend");
		assertThat(engine.inspection().isDegraded()).as("degraded although the backend answered").isFalse();
	}

	/**
	 * As a stale value whose refresh fails is served on from the backend, a stale value
	 * of the degraded tier whose reload fails is served to the caller that reloaded it.
	 */
	@Test
	void aDegradedRefreshWhoseLoaderThrowsServesTheStaleValue() {
		Stampede engine = engine(backend((method, args) -> this.down.get(), true), settings(Duration.ofSeconds(30)));
		this.down.set(true);
		assertThat(engine.get("c", "k", () -> "old")).isEqualTo("old");
		this.clock.advance(TTL);
		Loader<String, IllegalStateException> failing = () -> {
			throw new IllegalStateException("the database failed too");
		};
		assertThat(engine.get("c", "k", failing)).isEqualTo("old");
	}

	/**
	 * While one caller reloads a stale value of the degraded tier, the others are
	 * answered from the tier before the backend is asked: on a paused server, asking it
	 * costs each of them an operation timeout.
	 */
	@Test
	void whileOneCallerReloadsAStaleValueTheOthersAreAnsweredWithoutAskingTheBackend() throws Exception {
		AtomicInteger reads = new AtomicInteger();
		Stampede engine = engine(backend((method, args) -> {
			if (this.down.get() && method.equals("read")) {
				reads.incrementAndGet();
			}
			return this.down.get();
		}, true), settings(Duration.ofSeconds(30)));
		this.down.set(true);
		assertThat(engine.get("c", "k", () -> "old")).isEqualTo("old");
		this.clock.advance(TTL);
		CountDownLatch reloading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Future<String> reloader = this.pool.submit(() -> engine.get("c", "k", () -> {
			reloading.countDown();
			release.await();
			return "new";
		}));
		try {
			assertThat(reloading.await(10, TimeUnit.SECONDS)).isTrue();
			reads.set(0);
			for (int call = 0; call < 8; call++) {
				assertThat(engine.get("c", "k", () -> "another load")).isEqualTo("old");
			}
			assertThat(reads).as("backend reads of the callers served the stale value").hasValue(0);
		}
		finally {
			release.countDown();
		}
		assertThat(reloader.get(10, TimeUnit.SECONDS)).isEqualTo("new");
	}

	/**
	 * A failed reload of a stale value is not retried by the very next call: as with a
	 * refresh from the backend, the database is spared a reload per call.
	 */
	@Test
	void aFailedDegradedRefreshIsNotRetriedAtOnce() {
		Stampede engine = engine(backend((method, args) -> this.down.get(), true), settings(Duration.ofSeconds(30)));
		this.down.set(true);
		assertThat(engine.get("c", "k", () -> "old")).isEqualTo("old");
		this.clock.advance(TTL);
		AtomicInteger reloads = new AtomicInteger();
		for (int call = 0; call < 10; call++) {
			try {
				engine.get("c", "k", () -> {
					reloads.incrementAndGet();
					throw new IllegalStateException("the database failed too");
				});
			}
			catch (IllegalStateException ex) {
				// Whether the caller that reloads gets the stale value is the test above.
			}
		}
		assertThat(reloads).hasValue(1);
	}

	/**
	 * As {@link #aFailedDegradedRefreshIsNotRetriedAtOnce}, for asynchronous callers,
	 * whose stale value is reloaded in the background.
	 */
	@Test
	void aFailedDegradedRefreshOfAnAsynchronousCallerIsNotRetriedAtOnce() throws Exception {
		Stampede engine = engine(backend((method, args) -> this.down.get(), true), settings(Duration.ofSeconds(30)));
		this.down.set(true);
		assertThat(engine.getAsync("c", "k", () -> CompletableFuture.completedFuture("old"))
			.get(10, TimeUnit.SECONDS)).isEqualTo("old");
		this.clock.advance(TTL);
		AtomicInteger reloads = new AtomicInteger();
		for (int call = 0; call < 10; call++) {
			assertThat(engine.getAsync("c", "k", () -> {
				reloads.incrementAndGet();
				return CompletableFuture.failedFuture(new IllegalStateException("the database failed too"));
			}).get(10, TimeUnit.SECONDS)).isEqualTo("old");
		}
		assertThat(reloads).hasValue(1);
	}

	/**
	 * With {@code refresh: async} the caller that wins a refresh returns the stale value
	 * and the load runs in the background: so too for a stale value of the degraded tier.
	 */
	@Test
	void withAsyncRefreshTheCallerThatReloadsADegradedStaleValueGetsItWithoutWaitingForTheLoad() throws Exception {
		CacheSettings asyncRefresh = CacheSettings.from(settings(Duration.ofSeconds(30)))
			.refresh(RefreshMode.ASYNC)
			.build();
		Stampede engine = engine(backend((method, args) -> this.down.get(), true), asyncRefresh);
		this.down.set(true);
		assertThat(engine.get("c", "k", () -> "old")).isEqualTo("old");
		this.clock.advance(TTL);
		CountDownLatch release = new CountDownLatch(1);
		try {
			Future<String> reloading = this.pool.submit(() -> engine.get("c", "k", () -> {
				release.await();
				return "new";
			}));
			// The load is held until the call returned: a call that waits for it times out here.
			assertThat(reloading.get(5, TimeUnit.SECONDS)).isEqualTo("old");
		}
		finally {
			release.countDown();
		}
	}

	/**
	 * An eviction during the outage could not reach the backend; once the backend
	 * answers again, this JVM must not serve the value the eviction removed.
	 */
	@Test
	void anEvictionMadeDuringTheOutageIsNotUndoneWhenTheBackendAnswersAgain() {
		Stampede engine = engine(backend((method, args) -> this.down.get(), true), settings(Duration.ZERO));
		assertThat(engine.get("c", "k", () -> "before the eviction")).isEqualTo("before the eviction");
		this.down.set(true);
		engine.evict("c", "k");
		assertThat(engine.get("c", "k", () -> "after the eviction")).isEqualTo("after the eviction");
		this.down.set(false);
		// Another key reads the backend, which answers: the degraded tier is dropped.
		assertThat(engine.get("c", "other", () -> "stored")).isEqualTo("stored");
		assertThat(engine.get("c", "k", () -> "loaded once the backend answers"))
			.isNotEqualTo("before the eviction");
	}

	/**
	 * Two call sites of one cache share a key, one with {@code on-backend-failure: fail}:
	 * a call-through caller that joins the other's resolution must still get its value,
	 * not the exception the other call site asked for.
	 */
	@Test
	void aCallThroughCallerThatJoinsTheResolutionOfACallSiteThatFailsGetsAValue() throws Exception {
		CountDownLatch reading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Stampede engine = engine(backend((method, args) -> {
			if (this.down.get() && method.equals("read") && ((String) args[0]).endsWith(":k")) {
				reading.countDown();
				release.await();
			}
			return this.down.get();
		}, true), settings(Duration.ZERO));
		CallSite failing = engine.callSite("c",
				CacheSettings.Overrides.builder().onBackendFailure(FailurePolicy.FAIL).build(), "failing", String.class);
		CallSite callingThrough = engine.callSite("c", CacheSettings.Overrides.NONE, "calling through", String.class);
		assertThat(engine.get(callingThrough, "warm", () -> "up", (value) -> true)).isEqualTo("up");
		this.down.set(true);
		Future<String> fails = this.pool.submit(() -> engine.get(failing, "k", () -> "never", (value) -> true));
		assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
		Future<String> joins = this.pool.submit(() -> engine.get(callingThrough, "k", () -> "loaded", (value) -> true));
		await().atMost(Duration.ofSeconds(10)).until(() -> engine.inspection().stats("c").count(CacheEvent.JOINED) == 1);
		release.countDown();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> fails.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(StampedeBackendException.class);
		assertThat(joins.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
	}

	private Stampede engine(StampedeBackend backend, CacheSettings defaults) {
		Stampede engine = new Stampede(backend, new StampedeSettings(defaults, Map.of()), "", this.clock);
		this.engines.add(engine);
		return engine;
	}

	private static CacheSettings settings(Duration staleTtl) {
		return CacheSettings.from(CacheSettings.DEFAULTS)
			.ttl(TTL)
			.staleTtl(staleTtl)
			.onBackendFailure(FailurePolicy.CALL_THROUGH)
			.build();
	}

	/** Decides whether one operation of the backend fails; may hold it up first. */
	@FunctionalInterface
	private interface Fault {

		boolean fails(String method, Object[] args) throws InterruptedException;

	}

	// A backend across a network over the in-process store, whose operations fail as fault decides;
	// without notifications it tells no events, as memcached.
	private StampedeBackend backend(Fault fault, boolean notifications) {
		Set<String> alwaysAnswered = Set.of("name", "subscribe", "minimumLeaseTtl", "maximumTtl", "close",
				"toString", "hashCode", "equals");
		return (StampedeBackend) Proxy.newProxyInstance(StampedeBackend.class.getClassLoader(),
				new Class<?>[] { StampedeBackend.class }, (proxy, method, args) -> {
					if (method.getName().equals("isInProcess")) {
						return false;
					}
					if (method.getName().equals("subscribe") && !notifications) {
						return (AutoCloseable) () -> {
						};
					}
					if (!alwaysAnswered.contains(method.getName())
							&& fault.fails(method.getName(), (args != null) ? args : new Object[0])) {
						throw new StampedeBackendException("the server is down", null);
					}
					try {
						return method.invoke(this.store, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

}
