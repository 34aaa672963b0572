package dev.stampede.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import dev.stampede.CacheKeys;
import dev.stampede.CacheSettings;
import dev.stampede.FailurePolicy;
import dev.stampede.Stampede;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.memcached.MemcachedBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.test.Stampedes.CallResult;
import net.rubyeye.xmemcached.XMemcachedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The memcached backend on a pool of three servers, whose keys the client spreads by
 * consistent hashing (ketama). When a server dies the client drops it from the ring
 * (failure mode off), so its keys move to the two others: each is loaded once more,
 * and no caller sees an error.
 */
class MemcachedPoolTest extends EngineSuite {

	private static final String CACHE = "pool";

	private static final int KEYS = 30;

	@RegisterExtension
	final ServerExtension<MemcachedServer> first = ServerExtension.memcached();

	@RegisterExtension
	final ServerExtension<MemcachedServer> second = ServerExtension.memcached();

	@RegisterExtension
	final ServerExtension<MemcachedServer> third = ServerExtension.memcached();

	private final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();

	// Long enough that a busy machine times out no operation of the servers that live.
	@Override
	protected StampedeBackend createBackend() {
		return MemcachedBackend.connect(servers().stream().map(ServerProcess::address).collect(Collectors.joining(",")),
				Duration.ofSeconds(1), Duration.ofSeconds(1), new JdkSerializationCodec(null));
	}

	@Test
	void aServerKilledMidStampedeMovesItsKeysToTheOthersAtOneMoreLoadEachAndNoCallerErrors() throws Exception {
		CacheSettings settings = CacheSettings.from(EngineContract.SETTINGS)
			.onBackendFailure(FailurePolicy.CALL_THROUGH)
			.build();
		MemcachedBackend backend = (MemcachedBackend) createBackend();
		MemcachedBackend other = (MemcachedBackend) createBackend();
		// Two engines with clients of their own, as two JVMs would have.
		List<Stampede> engines = List.of(engine(backend, settings), engine(other, settings));
		// A client adds a server to its ring once connected, which may come just after it was built.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> backend.getClient().getAvailableServers().size() == 3
					&& other.getClient().getAvailableServers().size() == 3);
		for (int i = 0; i < KEYS; i++) {
			String key = "key-" + i;
			assertThat(engines.get(0).get(CACHE, key, () -> load(key))).isEqualTo("value of " + key);
			assertThat(backend.read(engines.get(0).inspection().backendKey(CACHE, key))).as("%s is stored", key)
				.isInstanceOf(Slot.Present.class);
		}
		this.loads.clear();
		// The cache's generation stays where it is: a server that takes it along empties the whole cache.
		int generationServer = serverOf(backend, new CacheKeys(keyPrefix()).generationKey(CACHE));
		Map<Integer, List<String>> keysByServer = new ConcurrentHashMap<>();
		for (int i = 0; i < KEYS; i++) {
			String key = "key-" + i;
			keysByServer.computeIfAbsent(serverOf(backend, engines.get(0).inspection().backendKey(CACHE, key)),
					(any) -> new ArrayList<>()).add(key);
		}
		MemcachedServer victim = servers().stream()
			.filter((server) -> server.port() != generationServer && keysByServer.containsKey(server.port()))
			.findFirst()
			.orElseThrow();
		List<String> moved = keysByServer.get(victim.port());
		CountDownLatch running = new CountDownLatch(200);
		AtomicLong killedAt = new AtomicLong();
		AtomicInteger callers = new AtomicInteger();
		Thread saboteur = new Thread(() -> {
			try {
				running.await();
				victim.kill();
				killedAt.set(System.nanoTime());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		saboteur.start();
		// Callers go on for a second and a half after the kill, long enough to outlast the
		// operations that the dying connection leaves unanswered until they time out.
		List<CallResult> outcomes = Stampedes.run(16, () -> {
			Stampede engine = engines.get(callers.getAndIncrement() % engines.size());
			List<String> wrong = new ArrayList<>();
			while (killedAt.get() == 0 || System.nanoTime() - killedAt.get() < Duration.ofMillis(1500).toNanos()) {
				String key = "key-" + ThreadLocalRandom.current().nextInt(KEYS);
				Object value = engine.get(CACHE, key, () -> load(key));
				if (!("value of " + key).equals(value)) {
					wrong.add(key + "=" + value);
				}
				running.countDown();
			}
			return wrong;
		});
		saboteur.join(Stampedes.BOUND.toMillis());
		assertThat(victim.isRunning()).isFalse();
		assertThat(outcomes).extracting(CallResult::failure).containsOnlyNulls();
		assertThat(outcomes).extracting(CallResult::value).allSatisfy((wrong) -> assertThat((List<?>) wrong).isEmpty());
		// Every key read once more by each engine, so that a key no caller happened to read since the kill counts too.
		for (Stampede engine : engines) {
			for (int i = 0; i < KEYS; i++) {
				String key = "key-" + i;
				assertThat(engine.get(CACHE, key, () -> load(key))).isEqualTo("value of " + key);
			}
		}
		Map<String, Integer> loadsPerKey = this.loads.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().get()));
		assertThat(moved).isNotEmpty();
		assertThat(loadsPerKey).as("loads after the kill, by key; %s moved", moved)
			.isEqualTo(moved.stream().collect(Collectors.toMap((key) -> key, (key) -> 1)));
	}

	private Object load(String key) throws InterruptedException {
		this.loads.computeIfAbsent(key, (any) -> new AtomicInteger()).incrementAndGet();
		Thread.sleep(20);
		return "value of " + key;
	}

	private List<MemcachedServer> servers() {
		return List.of(this.first.server(), this.second.server(), this.third.server());
	}

	private static int serverOf(MemcachedBackend backend, String backendKey) {
		return ((XMemcachedClient) backend.getClient()).getSessionLocator()
			.getSessionByKey(backendKey)
			.getRemoteSocketAddress()
			.getPort();
	}

}
