package dev.stampede.reactive;

import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

class RedisWebFluxTests extends AbstractWebFluxTests {

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	@DynamicPropertySource
	static void redisConnection(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", () -> RedisServer.HOST);
		registry.add("spring.data.redis.port", () -> redis.server().port());
		registry.add("spring.data.redis.timeout", () -> "500ms");
	}

}
