package dev.stampede.reactive;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.stampede.CacheEvent;
import dev.stampede.Stampede;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A WebFlux application on the shared backend a subclass starts: concurrent requests
 * for a cold key through {@code Mono}, {@code Flux} and suspending functions make one
 * load, and no thread that must not block ever blocks; subscribers that cancel, loads
 * that fail and loads that are cancelled. Each test uses keys of its own.
 */
@SpringBootTest(classes = ReactiveCatalogApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "stampede.caches.products.lease-ttl=30s", "stampede.caches.products.max-wait=20s",
				"stampede.caches.products.on-wait-timeout=fail", "stampede.caches.suspending-products.lease-ttl=30s",
				"stampede.caches.suspending-products.max-wait=20s",
				"stampede.caches.suspending-products.on-wait-timeout=fail" })
// Closed with its class, before the next class's server replaces this one's.
@DirtiesContext
abstract class AbstractWebFluxTests {

	static {
		// Before the application starts its event loops.
		BlockingCalls.install();
	}

	private static final Duration BOUND = Duration.ofSeconds(30);

	private static final int REQUESTS = 500;

	// The applications (one per backend, by port) whose Kotlin path has run once.
	private static final Set<Integer> WARMED_UP = ConcurrentHashMap.newKeySet();

	@LocalServerPort
	int port;

	@Autowired
	Loads loads;

	@Autowired
	ReactiveProducts products;

	@Autowired
	SuspendingProducts suspendingProducts;

	@Autowired
	Stampede stampede;

	private final IllegalStateException failure = new IllegalStateException("the catalogue is down");

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	@BeforeEach
	void warmUpKotlin() throws Exception {
		if (WARMED_UP.add(this.port)) {
			assertThat(this.http.send(request("/warm-up/1"), HttpResponse.BodyHandlers.ofString()).statusCode())
				.isEqualTo(200);
			BlockingCalls.clear();
		}
	}

	@AfterEach
	void noThreadThatMustNotBlockBlocked() {
		this.loads.reset();
		List<String> blocking = BlockingCalls.seen();
		BlockingCalls.clear();
		assertThat(blocking).as("blocking calls on threads that must not block").isEmpty();
	}

	@Test
	void fiveHundredConcurrentRequestsForAColdKeyThroughAMonoMakeOneLoad() throws Exception {
		assertOneLoadFor(REQUESTS, "/mono/1", "products", "mono", "{\"id\":1,\"name\":\"Product 1\"}");
	}

	@Test
	void fiveHundredConcurrentRequestsForAColdKeyThroughAFluxMakeOneLoad() throws Exception {
		assertOneLoadFor(REQUESTS, "/flux/2", "related-products", "flux", "[{\"id\":21,\"name\":\"Product 21\"},"
				+ "{\"id\":22,\"name\":\"Product 22\"},{\"id\":23,\"name\":\"Product 23\"}]");
	}

	@Test
	void fiveHundredConcurrentRequestsForAColdKeyThroughASuspendingFunctionMakeOneLoad() throws Exception {
		assertOneLoadFor(REQUESTS, "/suspend/3", "suspending-products", "suspend", "{\"id\":3,\"name\":\"Product 3\"}");
	}

	@Test
	void aMonoSubscriberThatCancelsLeavesTheLoadToTheOthers() throws Exception {
		// Cancelling the future Reactor's toFuture() returns cancels its subscription.
		assertACancellingCallerLeavesTheLoadToTheOthers("products", "mono", () -> this.products.find(10).toFuture(),
				Product.of(10));
	}

	@Test
	void aSuspendingCallerThatIsCancelledLeavesTheLoadToTheOthers() throws Exception {
		SuspendingCalls calls = new SuspendingCalls(this.suspendingProducts);
		assertACancellingCallerLeavesTheLoadToTheOthers("suspending-products", "suspend", () -> calls.find(11),
				Product.of(11));
	}

	@Test
	void aMonoLoadersErrorReachesEverySubscriberAsTheSameException() throws Exception {
		List<Throwable> failures = failuresOfSharedLoad("products", "mono", () -> this.products.find(12).toFuture());
		assertThat(failures).allSatisfy((failure) -> assertThat(failure).isSameAs(this.failure));
		assertThat(this.products.find(12).block(BOUND)).as("the lease was released").isEqualTo(Product.of(12));
	}

	@Test
	void aSuspendingLoadersErrorReachesEveryCaller() throws Exception {
		SuspendingCalls calls = new SuspendingCalls(this.suspendingProducts);
		List<Throwable> failures = failuresOfSharedLoad("suspending-products", "suspend", () -> calls.find(13));
		// With assertions on, Kotlin recovers the stack trace of an exception that crosses a
		// coroutine boundary in a copy whose cause is the original.
		assertThat(failures).allSatisfy((failure) -> assertThat(failure).satisfiesAnyOf(
				(same) -> assertThat(same).isSameAs(this.failure),
				(copy) -> assertThat(copy).isExactlyInstanceOf(IllegalStateException.class).hasCause(this.failure)));
		assertThat(calls.find(13).get(BOUND.toSeconds(), TimeUnit.SECONDS)).as("the lease was released")
			.isEqualTo(Product.of(13));
	}

	@Test
	void aCancelledMonoLoadReleasesItsLeaseSoTheNextCallLoadsAtOnce() throws Exception {
		assertACancelledLoadReleasesItsLease("mono", () -> this.products.find(14).toFuture(), Product.of(14));
	}

	@Test
	void aCancelledSuspendingLoadReleasesItsLeaseSoTheNextCallLoadsAtOnce() throws Exception {
		SuspendingCalls calls = new SuspendingCalls(this.suspendingProducts);
		assertACancelledLoadReleasesItsLease("suspend", () -> calls.find(15), Product.of(15));
	}

	@Test
	void theDefaultKeyOfASuspendingFunctionIsItsArgumentsWithoutTheContinuation() throws Exception {
		SuspendingCalls calls = new SuspendingCalls(this.suspendingProducts);
		assertThat(calls.name(16, "en").get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("Product 16 (en)");
		assertThat(calls.name(16, "en").get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("Product 16 (en)");
		assertThat(this.loads.begun("suspend-name")).isEqualTo(1);
		assertThat(this.stampede.peek("suspending-names", new Object[] { 16L, "en" }))
			.contains(new Stampede.Cached("Product 16 (en)"));
	}

	@Test
	void theBlockingCheckSeesABackendCallOnAnEventLoop() throws Exception {
		HttpResponse<String> response = this.http.send(request("/blocking/17"), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		List<String> blocking = BlockingCalls.seen();
		BlockingCalls.clear();
		assertThat(blocking).isNotEmpty().allSatisfy((call) -> assertThat(call).contains("ProductController.blocking"));
	}

	private void assertOneLoadFor(int requests, String path, String cache, String kind, String body) throws Exception {
		Sinks.Empty<Void> gate = Sinks.empty();
		this.loads.waitFor(gate.asMono());
		long joined = joined(cache);
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			responses.add(this.http.sendAsync(request(path), HttpResponse.BodyHandlers.ofString()));
		}
		// Every request is under way before the load ends: one leads it, the others joined it.
		await().atMost(BOUND).until(() -> joined(cache) - joined == requests - 1);
		gate.tryEmitEmpty();
		for (CompletableFuture<HttpResponse<String>> response : responses) {
			HttpResponse<String> answered = response.get(BOUND.toSeconds(), TimeUnit.SECONDS);
			assertThat(answered.statusCode()).isEqualTo(200);
			assertThat(answered.body()).isEqualTo(body);
		}
		assertThat(this.loads.begun(kind)).isEqualTo(1);
	}

	private void assertACancellingCallerLeavesTheLoadToTheOthers(String cache, String kind,
			Supplier<CompletableFuture<Product>> call, Product expected) throws Exception {
		Sinks.Empty<Void> gate = Sinks.empty();
		AtomicInteger loadCancelled = new AtomicInteger();
		this.loads.waitFor(gate.asMono().doOnCancel(loadCancelled::incrementAndGet));
		// The caller that leads the load is the one that goes away.
		CompletableFuture<Product> leader = call.get();
		await().atMost(BOUND).until(() -> this.loads.begun(kind) == 1);
		long joined = joined(cache);
		List<CompletableFuture<Product>> others = new ArrayList<>();
		for (int i = 0; i < 7; i++) {
			others.add(call.get());
		}
		await().atMost(BOUND).until(() -> joined(cache) - joined == 7);
		leader.cancel(true);
		gate.tryEmitEmpty();
		for (CompletableFuture<Product> other : others) {
			assertThat(other.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(expected);
		}
		assertThat(leader).isCancelled();
		assertThat(loadCancelled).hasValue(0);
		assertThat(this.loads.begun(kind)).isEqualTo(1);
	}

	private List<Throwable> failuresOfSharedLoad(String cache, String kind, Supplier<CompletableFuture<Product>> call)
			throws Exception {
		Sinks.Empty<Void> gate = Sinks.empty();
		this.loads.waitFor(gate.asMono());
		long joined = joined(cache);
		List<CompletableFuture<Product>> calls = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			calls.add(call.get());
		}
		await().atMost(BOUND).until(() -> joined(cache) - joined == 7);
		gate.tryEmitError(this.failure);
		List<Throwable> failures = new ArrayList<>();
		for (CompletableFuture<Product> failed : calls) {
			failures.add(failed.handle((product, failure) -> failure).get(BOUND.toSeconds(), TimeUnit.SECONDS));
		}
		assertThat(this.loads.begun(kind)).isEqualTo(1);
		this.loads.waitFor(Loads.DELAY);
		return failures;
	}

	// The cache's lease-ttl and max-wait are far longer than the test may take, and a wait
	// that runs out fails: a lease left behind would fail the next call.
	private void assertACancelledLoadReleasesItsLease(String kind, Supplier<CompletableFuture<Product>> call,
			Product expected) throws Exception {
		CompletableFuture<Void> upstream = new CompletableFuture<>();
		this.loads.waitFor(Mono.fromFuture(upstream));
		CompletableFuture<Product> cancelled = call.get();
		await().atMost(BOUND).until(() -> this.loads.begun(kind) == 1);
		upstream.cancel(true);
		assertThat(cancelled.handle((product, failure) -> failure).get(BOUND.toSeconds(), TimeUnit.SECONDS))
			.isInstanceOf(CancellationException.class);
		this.loads.waitFor(Loads.DELAY);
		assertThat(call.get().get(10, TimeUnit.SECONDS)).isEqualTo(expected);
		assertThat(this.loads.begun(kind)).isEqualTo(2);
	}

	private long joined(String cache) {
		return this.stampede.inspection().stats(cache).count(CacheEvent.JOINED);
	}

	private HttpRequest request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).GET().build();
	}

}
