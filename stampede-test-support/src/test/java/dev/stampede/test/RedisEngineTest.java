package dev.stampede.test;

import java.time.Duration;
import java.util.Properties;

import dev.stampede.Stampede;
import dev.stampede.backend.StampedeBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RedisEngineTest extends EngineContract {

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	@Override
	protected StampedeBackend createBackend() {
		return RedisBackendTest.connect(redis.server(), this::closeAfterTest);
	}

	@Test
	void aWaiterIsWokenAsSoonAsTheWinnerWrites() throws Exception {
		assertWaitersAreWokenByTheWinner();
	}

	@Test
	void aLocalHitSendsNothingToRedis() {
		Stampede engine = engine(withLocalTier(Duration.ofMinutes(1)));
		String key = uniqueKey();
		engine.get("contract", key, () -> "value");
		long before = redisReads();
		for (int i = 0; i < 100; i++) {
			assertThat(engine.get("contract", key, () -> "loaded again")).isEqualTo("value");
		}
		assertThat(redisReads() - before).isZero();
	}

	@Test
	void anEvictionInOneEngineClearsTheLocalTierOfAnotherWithinABoundedTime() {
		Stampede evicting = engine(withLocalTier(Duration.ofMinutes(10)));
		Stampede other = engine(withLocalTier(Duration.ofMinutes(10)));
		String key = uniqueKey();
		assertThat(other.get("contract", key, () -> "old")).isEqualTo("old");
		evicting.evict("contract", key);
		await().atMost(Duration.ofSeconds(2))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> other.get("contract", key, () -> "new"), "new"::equals);
	}

	private long redisReads() {
		LettuceConnectionFactory factory = redis.server().connectionFactory();
		try (RedisConnection connection = factory.getConnection()) {
			Properties stats = connection.serverCommands().info("commandstats");
			String get = stats.getProperty("cmdstat_get", "calls=0,");
			return Long.parseLong(get.substring("calls=".length(), get.indexOf(',')));
		}
		finally {
			factory.destroy();
		}
	}

}
