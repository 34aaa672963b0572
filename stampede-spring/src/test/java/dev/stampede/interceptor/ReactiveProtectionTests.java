package dev.stampede.interceptor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.stampede.CacheEvent;
import dev.stampede.CacheSettings;
import dev.stampede.FailurePolicy;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.annotation.StampedeEvict;
import dev.stampede.annotation.StampedeProtected;
import dev.stampede.backend.ForwardingBackend;
import dev.stampede.backend.Slot;
import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code Mono} and {@code Flux} methods: one load per key for concurrent subscribers,
 * nothing before a subscription, a stream cached as its list, subscribers that cancel,
 * loads that fail or are cancelled, empty results, and evictions after reactive writes.
 */
class ReactiveProtectionTests {

	private static final Duration BOUND = Duration.ofSeconds(10);

	private final CountingBackend backend = new CountingBackend();

	private final Stampede stampede = new Stampede(this.backend, new StampedeSettings(CacheSettings.DEFAULTS,
			Map.of("held", CacheSettings.Overrides.builder()
				.leaseTtl(Duration.ofMinutes(1))
				.maxWait(Duration.ofSeconds(30))
				.onWaitTimeout(FailurePolicy.FAIL)
				.build(), "no-nulls", CacheSettings.Overrides.builder().cacheNulls(false).build())),
			"", java.time.Clock.systemUTC());

	private final Loads loads = new Loads();

	private final AnnotationConfigApplicationContext context = context(this.stampede, this.loads);

	private final Catalog catalog = this.context.getBean(Catalog.class);

	@AfterEach
	void close() {
		this.context.close();
		this.stampede.close();
	}

	@Test
	void concurrentSubscribersOfAColdKeyShareOneLoadAndLaterOnesAreServedFromTheCache() throws Exception {
		Sinks.One<String> load = Sinks.one();
		this.loads.source = (id) -> load.asMono();
		int subscribers = 32;
		ExecutorService threads = Executors.newFixedThreadPool(subscribers);
		try {
			CyclicBarrier start = new CyclicBarrier(subscribers);
			List<Future<CompletableFuture<String>>> subscribed = new ArrayList<>();
			for (int i = 0; i < subscribers; i++) {
				subscribed.add(threads.submit(() -> {
					start.await(BOUND.toSeconds(), TimeUnit.SECONDS);
					return this.catalog.find("k").toFuture();
				}));
			}
			await().atMost(BOUND)
				.until(() -> this.stampede.inspection().stats("held").count(CacheEvent.JOINED) == subscribers - 1);
			load.tryEmitValue("loaded once");
			for (Future<CompletableFuture<String>> subscriber : subscribed) {
				assertThat(subscriber.get(BOUND.toSeconds(), TimeUnit.SECONDS).get(BOUND.toSeconds(), TimeUnit.SECONDS))
					.isEqualTo("loaded once");
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(this.catalog.find("k").block(BOUND)).isEqualTo("loaded once");
		assertThat(this.loads.calls).hasValue(1);
	}

	@Test
	void aMonoThatIsNeverSubscribedNeitherLoadsNorTouchesTheBackend() {
		Mono<String> unsubscribed = this.catalog.find("lazy");
		Flux<String> alsoUnsubscribed = this.catalog.list("lazy");
		assertThat(this.backend.operations).hasValue(0);
		assertThat(this.loads.calls).hasValue(0);
		assertThat(unsubscribed.block(BOUND)).isEqualTo("value lazy");
		assertThat(alsoUnsubscribed.collectList().block(BOUND)).containsExactly("lazy 1", "lazy 2", "lazy 3");
		assertThat(this.loads.sourceCalls).hasValue(2);
	}

	@Test
	void aFluxIsCachedAsTheListOfItsElementsAndReplayedToEverySubscriber() {
		Flux<String> list = this.catalog.list("f");
		assertThat(list.collectList().block(BOUND)).containsExactly("f 1", "f 2", "f 3");
		assertThat(list.collectList().block(BOUND)).containsExactly("f 1", "f 2", "f 3");
		assertThat(this.catalog.list("f").collectList().block(BOUND)).containsExactly("f 1", "f 2", "f 3");
		assertThat(this.loads.calls).hasValue(1);
		assertThat(this.stampede.peek("lists", "f")).contains(new Stampede.Cached(List.of("f 1", "f 2", "f 3")));
	}

	@Test
	void aSubscriberThatCancelsLeavesTheLoadToTheOthersAndItsValueIsCached() throws Exception {
		Sinks.One<String> load = Sinks.one();
		AtomicInteger loadCancelled = new AtomicInteger();
		this.loads.source = (id) -> load.asMono().doOnCancel(loadCancelled::incrementAndGet);
		List<String> cancelledGot = new ArrayList<>();
		// The subscriber that starts the load is the one that goes away.
		Disposable first = this.catalog.find("c").subscribe(cancelledGot::add);
		await().atMost(BOUND).until(() -> this.loads.sourceCalls.get() == 1);
		List<CompletableFuture<String>> others = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			others.add(this.catalog.find("c").toFuture());
		}
		await().atMost(BOUND).until(() -> this.stampede.inspection().stats("held").count(CacheEvent.JOINED) == 7);
		first.dispose();
		load.tryEmitValue("for the others");
		for (CompletableFuture<String> other : others) {
			assertThat(other.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("for the others");
		}
		assertThat(cancelledGot).isEmpty();
		assertThat(loadCancelled).hasValue(0);
		assertThat(this.loads.calls).hasValue(1);
		assertThat(this.stampede.peek("held", "c")).contains(new Stampede.Cached("for the others"));
	}

	@Test
	void aLoadersErrorReachesEverySubscriberAsTheSameExceptionAndReleasesTheLease() throws Exception {
		Sinks.One<String> load = Sinks.one();
		this.loads.source = (id) -> load.asMono();
		List<CompletableFuture<String>> subscribers = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			subscribers.add(this.catalog.find("e").toFuture());
		}
		await().atMost(BOUND).until(() -> this.stampede.inspection().stats("held").count(CacheEvent.JOINED) == 7);
		IllegalStateException failure = new IllegalStateException("database down");
		load.tryEmitError(failure);
		for (CompletableFuture<String> subscriber : subscribers) {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> subscriber.get(BOUND.toSeconds(), TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(IllegalStateException.class)
				.satisfies((ex) -> assertThat(ex.getCause()).isSameAs(failure));
		}
		assertThat(this.stampede.inspection().stats("held").leasesHeld()).isZero();
		this.loads.source = (id) -> Mono.just("after the error");
		assertThat(this.catalog.find("e").block(BOUND)).isEqualTo("after the error");
		assertThat(this.loads.calls).hasValue(2);
	}

	@Test
	void aMethodThatThrowsInsteadOfReturningAnErrorReachesTheSubscriberUnchanged() {
		IllegalArgumentException failure = new IllegalArgumentException("no such product");
		this.loads.source = (id) -> {
			throw failure;
		};
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.catalog.find("t").block(BOUND))
			.isSameAs(failure);
	}

	@Test
	void aCancelledLoadReleasesItsLeaseSoTheNextCallLoadsAtOnce() throws Exception {
		// A lease left behind would make the next call wait 30 s and then fail.
		CompletableFuture<String> upstream = new CompletableFuture<>();
		this.loads.source = (id) -> Mono.fromFuture(upstream);
		CompletableFuture<String> subscriber = this.catalog.find("x").toFuture();
		await().atMost(BOUND).until(() -> this.loads.sourceCalls.get() == 1);
		upstream.cancel(true);
		assertThat(subscriber.handle((value, failure) -> failure).get(BOUND.toSeconds(), TimeUnit.SECONDS))
			.isInstanceOf(CancellationException.class);
		assertThat(this.stampede.inspection().stats("held").leasesHeld()).isZero();
		this.loads.source = (id) -> Mono.just("loaded again");
		assertThat(this.catalog.find("x").block(BOUND)).isEqualTo("loaded again");
		assertThat(this.stampede.inspection().stats("held").count(CacheEvent.LEASE_LOST)).isZero();
	}

	@Test
	void anEmptyMonoIsCachedAsNullAndReplayedEmpty() {
		this.loads.source = (id) -> Mono.empty();
		assertThat(this.catalog.find("none").block(BOUND)).isNull();
		assertThat(this.catalog.find("none").hasElement().block(BOUND)).isFalse();
		assertThat(this.loads.calls).hasValue(1);
		assertThat(this.stampede.peek("held", "none")).contains(new Stampede.Cached(null));
	}

	@Test
	void withCacheNullsOffAnEmptyMonoIsReturnedUncachedAndLoadedAgain() {
		this.loads.source = (id) -> Mono.empty();
		assertThat(this.catalog.findWithoutNulls("none").block(BOUND)).isNull();
		assertThat(this.catalog.findWithoutNulls("none").block(BOUND)).isNull();
		assertThat(this.loads.calls).hasValue(2);
		assertThat(this.stampede.peek("no-nulls", "none")).isEmpty();
	}

	@Test
	void unlessSeesTheMonosValueAndTheFluxsList() {
		assertThat(this.catalog.findUnlessShort("ab").block(BOUND)).isEqualTo("value ab");
		assertThat(this.stampede.peek("unless", "ab")).contains(new Stampede.Cached("value ab"));
		assertThat(this.catalog.listUnlessLong("ab").collectList().block(BOUND)).hasSize(3);
		assertThat(this.stampede.peek("unless-list", "ab")).isEmpty();
	}

	@Test
	void aMethodThatReturnsNullInsteadOfAMonoFailsItsSubscribersNamingIt() {
		this.loads.source = (id) -> null;
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.catalog.find("n").block(BOUND))
			.withMessage("ReactiveProtectionTests.Catalog.find(String) returned null instead of a publisher; return "
					+ "an empty one, such as Mono.empty(), for no value");
	}

	@Test
	void anEvictionAfterAMonoMethodWaitsForItsWriteToComplete() {
		this.catalog.find("s").block(BOUND);
		Sinks.Empty<Void> write = Sinks.empty();
		this.loads.write = write.asMono();
		Mono<Void> save = this.catalog.save("s");
		assertThat(this.stampede.peek("held", "s")).as("returned, not subscribed").isPresent();
		CompletableFuture<Void> saving = save.toFuture();
		assertThat(this.stampede.peek("held", "s")).as("subscribed, not written").isPresent();
		write.tryEmitEmpty();
		assertThat(saving).succeedsWithin(BOUND);
		assertThat(this.stampede.peek("held", "s")).isEmpty();
	}

	@Test
	void aFailedWriteEvictsNothingUnlessTheEvictionComesBeforeTheInvocation() {
		this.catalog.find("f").block(BOUND);
		this.loads.write = Mono.error(new IllegalStateException("write failed"));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.catalog.save("f").block(BOUND));
		assertThat(this.stampede.peek("held", "f")).isPresent();
		Mono<Void> replace = this.catalog.replace("f");
		assertThat(this.stampede.peek("held", "f")).as("returned, not subscribed").isPresent();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> replace.block(BOUND));
		assertThat(this.stampede.peek("held", "f")).isEmpty();
	}

	private static AnnotationConfigApplicationContext context(Stampede stampede, Loads loads) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.registerBean(StampedeAnnotationBeanPostProcessor.class,
				() -> new StampedeAnnotationBeanPostProcessor(context.getBeanProvider(Stampede.class)));
		context.registerBean(Stampede.class, () -> stampede);
		context.registerBean(Catalog.class, () -> new Catalog(loads));
		context.refresh();
		return context;
	}

	/** What the catalog's methods return, and how often they were called; the proxy has fields of its own. */
	static final class Loads {

		final AtomicInteger calls = new AtomicInteger();

		// How often a publisher a method returned was subscribed: its load began.
		final AtomicInteger sourceCalls = new AtomicInteger();

		volatile Function<String, Mono<String>> source = (id) -> Mono.just("value " + id);

		volatile Mono<Void> write = Mono.empty();

	}

	public static class Catalog {

		private final Loads loads;

		Catalog(Loads loads) {
			this.loads = loads;
		}

		@StampedeProtected(cache = "held", key = "#id")
		public Mono<String> find(String id) {
			this.loads.calls.incrementAndGet();
			Mono<String> mono = this.loads.source.apply(id);
			return (mono != null) ? mono.doOnSubscribe((subscription) -> this.loads.sourceCalls.incrementAndGet())
					: null;
		}

		@StampedeEvict(cache = "held", key = "#id")
		public Mono<Void> save(String id) {
			return this.loads.write;
		}

		@StampedeEvict(cache = "held", key = "#id", beforeInvocation = true)
		public Mono<Void> replace(String id) {
			return this.loads.write;
		}

		@StampedeProtected(cache = "no-nulls", key = "#id")
		public Mono<String> findWithoutNulls(String id) {
			this.loads.calls.incrementAndGet();
			return this.loads.source.apply(id);
		}

		@StampedeProtected(cache = "lists", key = "#id")
		public Flux<String> list(String id) {
			this.loads.calls.incrementAndGet();
			return Flux.just(id + " 1", id + " 2", id + " 3")
				.doOnSubscribe((subscription) -> this.loads.sourceCalls.incrementAndGet());
		}

		@StampedeProtected(cache = "unless", key = "#id", unless = "#result.length() < 3")
		public Mono<String> findUnlessShort(String id) {
			return Mono.just("value " + id);
		}

		@StampedeProtected(cache = "unless-list", key = "#id", unless = "#result.size() > 2")
		public Flux<String> listUnlessLong(String id) {
			return Flux.just("1", "2", "3");
		}

	}

	/** Counts the operations the engine asks of its backend. */
	static final class CountingBackend extends ForwardingBackend {

		final AtomicInteger operations = new AtomicInteger();

		CountingBackend() {
			super(new LocalBackend(1_000));
		}

		@Override
		public Slot read(String key, java.lang.reflect.Type valueType) {
			this.operations.incrementAndGet();
			return super.read(key, valueType);
		}

		@Override
		public long generation(String key) {
			this.operations.incrementAndGet();
			return super.generation(key);
		}

	}

}
