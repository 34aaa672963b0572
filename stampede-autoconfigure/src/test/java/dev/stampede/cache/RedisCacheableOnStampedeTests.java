package dev.stampede.cache;

import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisCacheableOnStampedeTests extends AbstractCacheableOnStampedeTests {

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	@Override
	String[] backendProperties() {
		return new String[] { "spring.data.redis.host=" + RedisServer.HOST,
				"spring.data.redis.port=" + redis.server().port(), "spring.data.redis.timeout=500ms" };
	}

}
