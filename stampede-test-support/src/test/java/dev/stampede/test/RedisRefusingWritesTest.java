package dev.stampede.test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.CacheSettings;
import dev.stampede.FailurePolicy;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.StampedeBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis over its {@code maxmemory} with {@code noeviction}: reads answer, every
 * write fails, so every lease fails and every call calls through. The degraded tier
 * must still spare the database: one load per key per ttl.
 */
class RedisRefusingWritesTest {

	private static final CacheSettings SETTINGS = CacheSettings.from(CacheSettings.DEFAULTS)
		.ttl(Duration.ofSeconds(30))
		.onBackendFailure(FailurePolicy.CALL_THROUGH)
		.build();

	private static final int KEYS = 4;

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	private final List<AutoCloseable> resources = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void aRedisThatRefusesWritesCostsTheDatabaseOneLoadPerKeyPerTtl() {
		LettuceConnectionFactory admin = redis.server().connectionFactory();
		this.resources.add(admin::destroy);
		StampedeBackend backend = RedisBackendTest.connect(redis.server(), this.resources::add);
		this.resources.add(backend);
		Stampede engine = new Stampede(backend, new StampedeSettings(SETTINGS, Map.of()), "", Clock.systemUTC());
		this.resources.add(engine);
		assertThat(engine.get("refused", "warm", () -> "up")).isEqualTo("up");
		maxmemory(admin, "1");
		this.resources.add(() -> maxmemory(admin, "0"));
		Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();
		// Round-robin over a few hot keys, as request traffic goes.
		for (int call = 0; call < 5 * KEYS; call++) {
			String key = "hot-" + (call % KEYS);
			assertThat(engine.get("refused", key, () -> {
				loads.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
				return "v-" + key;
			})).isEqualTo("v-" + key);
		}
		assertThat(loads).hasSize(KEYS)
			.allSatisfy((key, count) -> assertThat(count).as("loads of %s", key).hasValueLessThanOrEqualTo(1));
	}

	private static void maxmemory(LettuceConnectionFactory admin, String bytes) {
		try (RedisConnection connection = admin.getConnection()) {
			connection.serverCommands().setConfig("maxmemory-policy", "noeviction");
			connection.serverCommands().setConfig("maxmemory", bytes);
		}
	}

}
