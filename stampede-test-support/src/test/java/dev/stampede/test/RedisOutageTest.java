package dev.stampede.test;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.JdkSerializationCodec;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

class RedisOutageTest extends OutageContract {

	@RegisterExtension
	final ServerExtension<RedisServer> redis = ServerExtension.redis();

	@Override
	protected ServerProcess server() {
		return this.redis.server();
	}

	@Override
	protected StampedeBackend connect() {
		LettuceConnectionFactory factory = this.redis.server().connectionFactory();
		closeAfterTest(factory::destroy);
		return new RedisBackend(factory, new JdkSerializationCodec(null));
	}

}
