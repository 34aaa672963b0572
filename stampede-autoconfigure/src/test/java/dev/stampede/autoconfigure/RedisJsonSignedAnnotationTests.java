package dev.stampede.autoconfigure;

import dev.stampede.codec.JsonCodec;
import dev.stampede.codec.RecordCodec;
import dev.stampede.codec.ValueCodec;
import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every annotation test again with the json codec, signed and compressed values: the
 * declared types of the methods (values, {@code Optional}s and futures) carry their
 * values through JSON.
 */
@SpringBootTest(classes = AbstractAnnotationTests.CatalogApplication.class,
		properties = { "stampede.defaults.ttl=1h", "stampede.caches.configured-ttl.ttl=1s",
				"stampede.caches.stale.refresh=async", "spring.data.redis.timeout=500ms", "stampede.codec.format=json",
				"stampede.codec.signing-key=a secret of at least thirty-two bytes, for tests",
				"stampede.codec.compress-above=16B" })
class RedisJsonSignedAnnotationTests extends AbstractAnnotationTests {

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	@Autowired
	ValueCodec codec;

	@Autowired
	RecordCodec records;

	@DynamicPropertySource
	static void redisConnection(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", () -> RedisServer.HOST);
		registry.add("spring.data.redis.port", () -> redis.server().port());
	}

	@Test
	void valuesAreSignedCompressedJson() {
		assertThat(this.codec.id()).isEqualTo(JsonCodec.ID);
		assertThat(this.records.toString()).contains("json/1").contains("signed").contains("compressed");
	}

}
