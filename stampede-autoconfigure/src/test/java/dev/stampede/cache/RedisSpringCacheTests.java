package dev.stampede.cache;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

class RedisSpringCacheTests extends SpringCacheContract {

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	@Override
	StampedeBackend createBackend() {
		LettuceConnectionFactory connection = redis.server().connectionFactory();
		closeAfterTest(connection::destroy);
		return new RedisBackend(connection, new JdkSerializationCodec(null));
	}

}
