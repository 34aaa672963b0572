package dev.stampede.sample;

import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "stampede.backend=redis", "spring.data.redis.timeout=500ms" })
class RedisSampleTests extends AbstractSampleTests {

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	@DynamicPropertySource
	static void redisConnection(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", () -> RedisServer.HOST);
		registry.add("spring.data.redis.port", () -> redis.server().port());
	}

}
