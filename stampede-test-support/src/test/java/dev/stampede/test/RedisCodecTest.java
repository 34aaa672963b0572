package dev.stampede.test;

import java.nio.charset.StandardCharsets;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.RecordCodec;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

class RedisCodecTest extends CodecContract {

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	@Override
	protected StampedeBackend createBackend(RecordCodec records) {
		LettuceConnectionFactory factory = redis.server().connectionFactory();
		closeAfterTest(factory::destroy);
		return new RedisBackend(factory, records);
	}

	@Override
	protected void writeRaw(String key, byte[] bytes) {
		LettuceConnectionFactory factory = redis.server().connectionFactory();
		try (RedisConnection connection = factory.getConnection()) {
			connection.stringCommands().set(key.getBytes(StandardCharsets.UTF_8), bytes);
		}
		finally {
			factory.destroy();
		}
	}

}
