package dev.stampede.autoconfigure;

import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = AbstractAnnotationTests.CatalogApplication.class,
		properties = { "stampede.defaults.ttl=1h", "stampede.caches.configured-ttl.ttl=1s", "stampede.caches.stale.refresh=async",
				"spring.data.redis.timeout=500ms" })
class RedisAnnotationTests extends AbstractSharedBackendAnnotationTests {

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	@DynamicPropertySource
	static void redisConnection(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", () -> RedisServer.HOST);
		registry.add("spring.data.redis.port", () -> redis.server().port());
	}

	@Test
	void aRedisConnectionSelectsTheRedisBackend() {
		assertThat(this.stampede.inspection().backend().name()).isEqualTo("redis");
	}

}
