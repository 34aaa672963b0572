package dev.stampede.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.stampede.Backoff;
import dev.stampede.CacheKeys;
import dev.stampede.CacheSettings;
import dev.stampede.FailurePolicy;
import dev.stampede.Stampede;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.test.RedisCluster.Node;
import dev.stampede.test.Stampedes.CallResult;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine on a Redis Cluster of three masters: the guarantee contract, and what a
 * cluster adds. Redis Cluster forwards every message to every node, so engines
 * subscribed on one master hear a write or an eviction published on another; a master
 * that dies takes its slots' keys with it while the others serve on.
 */
class RedisClusterEngineTest extends EngineGuaranteeContract {

	@RegisterExtension
	static final ServerExtension<RedisCluster> cluster = ServerExtension.redisCluster();

	private static final String CACHE = "cluster";

	// Waiters that are not woken read again only after 5 s.
	private static final CacheSettings SLOW_POLLING = CacheSettings.from(EngineContract.SETTINGS)
		.leaseTtl(Duration.ofSeconds(10))
		.maxWait(Duration.ofSeconds(20))
		.backoff(new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(5), 1.0, 0))
		.build();

	private static final Pattern PATTERN_SUBSCRIPTIONS = Pattern.compile(" psub=(\\d+)");

	private final AtomicInteger clients = new AtomicInteger();

	@Override
	protected StampedeBackend createBackend() {
		return RedisClusterBackendTest.connect(cluster.server(), this::closeAfterTest);
	}

	private Stampede engine(CacheSettings settings) {
		return engine(createBackend(), settings);
	}

	@Test
	void aValueWrittenOnOneMasterWakesAWaiterSubscribedOnAnother() throws Exception {
		Stampede winner = engine(SLOW_POLLING);
		Named waiter = namedEngine(SLOW_POLLING);
		Node subscribedOn = subscribedNode(waiter.name());
		String key = keyServedByAnotherThan(waiter.engine(), subscribedOn);
		// The script that writes the value publishes on the key's master.
		assertWaiterIsWoken(winner, waiter.engine(), key);
	}

	@Test
	void anEvictionPublishedOnOneMasterClearsTheLocalTierOfAnEngineSubscribedOnAnother() {
		CacheSettings settings = EngineContract.withLocalTier(Duration.ofMinutes(10));
		Named other = namedEngine(settings);
		Node subscribedOn = subscribedNode(other.name());
		Stampede evicting = engine(settings);
		// The eviction is published by the evicted key's master.
		String key = keyServedByAnotherThan(evicting, subscribedOn);
		assertThat(other.engine().get(CACHE, key, () -> "old")).isEqualTo("old");
		evicting.evict(CACHE, key);
		Stampede cleared = other.engine();
		await().atMost(Duration.ofSeconds(2))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> cleared.get(CACHE, key, () -> "new"), "new"::equals);
	}

	@Test
	void aWaiterWhoseSubscriptionsMasterDiesIsWokenThroughAnotherMaster() throws Exception {
		Named waiter = namedEngine(SLOW_POLLING);
		Node subscribedOn = subscribedNode(waiter.name());
		try {
			subscribedOn.kill();
			// Lettuce subscribes again on a master that lives.
			await().atMost(Duration.ofSeconds(15))
				.pollInterval(Duration.ofMillis(50))
				.ignoreExceptions()
				.until(() -> subscribedNode(waiter.name()) != subscribedOn);
			Stampede winner = engine(SLOW_POLLING);
			assertWaiterIsWoken(winner, waiter.engine(), keyServedByAnotherThan(waiter.engine(), subscribedOn));
		}
		finally {
			cluster.server().start();
		}
	}

	@Test
	void aMasterKilledMidStampedeCostsNoCallerAnErrorAndTheOtherMastersServeOn() throws Exception {
		CacheSettings settings = CacheSettings.from(EngineContract.SETTINGS)
			.maxWait(Duration.ofSeconds(5))
			.onBackendFailure(FailurePolicy.CALL_THROUGH)
			.build();
		List<Stampede> engines = List.of(engine(settings), engine(settings), engine(settings), engine(settings));
		// The master of the cache's generation lives, so that every engine keeps reading the same one.
		Node generationMaster = cluster.server().nodeServing(new CacheKeys(keyPrefix()).generationKey(CACHE));
		String key = keyServedByAnotherThan(engines.get(0), generationMaster);
		Node dying = cluster.server().nodeServing(engines.get(0).inspection().backendKey(CACHE, key));
		String elsewhere = keyServedByAnotherThan(engines.get(0), dying);
		for (Stampede engine : engines) {
			assertThat(engine.get(CACHE, elsewhere, () -> "cached")).isEqualTo("cached");
		}
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch loading = new CountDownLatch(1);
		List<Object> servedElsewhere = new ArrayList<>();
		Thread saboteur = new Thread(() -> {
			try {
				loading.await();
				dying.kill();
				for (Stampede engine : engines) {
					servedElsewhere.add(engine.get(CACHE, elsewhere, () -> "loaded again"));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		try {
			saboteur.start();
			AtomicInteger callers = new AtomicInteger();
			long start = System.nanoTime();
			List<CallResult> outcomes = Stampedes.run(64,
					() -> engines.get(callers.getAndIncrement() % engines.size()).get(CACHE, key, () -> {
						loading.countDown();
						Thread.sleep(400);
						return "v" + loads.incrementAndGet();
					}));
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			saboteur.join(Stampedes.BOUND.toMillis());
			assertThat(outcomes).extracting(CallResult::failure).containsOnlyNulls();
			assertThat(outcomes).extracting(CallResult::value).allSatisfy((value) -> assertThat(value).isNotNull());
			// The winner's write finds its master gone; each other engine's waiting flight reads
			// nothing, and calls through once for all its callers.
			assertThat(loads.get()).isBetween(1, engines.size());
			assertThat(took).isLessThan(Duration.ofMillis(500 + 5000 + 400 + 1000));
			assertThat(servedElsewhere).as("keys on the masters that live").containsOnly("cached").hasSize(4);
			cluster.server().start();
			await().atMost(Duration.ofSeconds(15))
				.pollInterval(Duration.ofMillis(100))
				.ignoreExceptions()
				.until(() -> engines.stream().allMatch((engine) -> engine.inspection().backend().read(
						engine.inspection().backendKey(CACHE, key)) == Slot.EMPTY));
			AtomicInteger loadsAfter = new AtomicInteger();
			List<CallResult> after = Stampedes.run(64,
					() -> engines.get(callers.getAndIncrement() % engines.size()).get(CACHE, key, () -> {
						Thread.sleep(100);
						return "after " + loadsAfter.incrementAndGet();
					}));
			assertThat(after).extracting(CallResult::value).containsOnly("after 1");
		}
		finally {
			cluster.server().start();
		}
	}

	private void assertWaiterIsWoken(Stampede winnerEngine, Stampede waiterEngine, String key) throws Exception {
		CountDownLatch loading = new CountDownLatch(1);
		FutureTask<Object> winner = new FutureTask<>(() -> winnerEngine.get(CACHE, key, () -> {
			loading.countDown();
			Thread.sleep(300);
			return "won";
		}));
		new Thread(winner, "winner").start();
		assertThat(loading.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		long start = System.nanoTime();
		assertThat(waiterEngine.get(CACHE, key, () -> "waiter loaded instead")).isEqualTo("won");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		assertThat(winner.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("won");
	}

	// An engine whose connections tell the nodes its name, so that CLIENT LIST shows where they are.
	private Named namedEngine(CacheSettings settings) {
		String name = "engine-" + this.clients.incrementAndGet();
		StampedeBackend backend = RedisClusterBackendTest.connect(cluster.server(), name, this::closeAfterTest);
		return new Named(engine(backend, settings), name);
	}

	// The master on which the engine named so holds its pattern subscription, once it holds one.
	private static Node subscribedNode(String name) {
		return await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> nodeSubscribedBy(name), (node) -> node != null);
	}

	private static @Nullable Node nodeSubscribedBy(String name) {
		for (Node node : cluster.server().nodes()) {
			if (!node.isRunning()) {
				continue;
			}
			for (String client : RedisCluster.command(node, "CLIENT", "LIST").split("\n")) {
				Matcher subscriptions = PATTERN_SUBSCRIPTIONS.matcher(client);
				if (client.contains(" name=" + name + " ") && subscriptions.find()
						&& Integer.parseInt(subscriptions.group(1)) > 0) {
					return node;
				}
			}
		}
		return null;
	}

	private static String keyServedByAnotherThan(Stampede engine, Node node) {
		String key = uniqueKey();
		while (cluster.server().nodeServing(engine.inspection().backendKey(CACHE, key)) == node) {
			key = uniqueKey();
		}
		return key;
	}

	private record Named(Stampede engine, String name) {
	}

}
