package dev.stampede.test;

import java.util.function.Consumer;

import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.JdkSerializationCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class RedisBackendTest extends BackendContract {

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	@Override
	protected StampedeBackend createBackend() {
		return connect(redis.server(), this::closeAfterTest);
	}

	/** A backend on a new connection to {@code server}, whose connection {@code closeAfterTest} closes. */
	static RedisBackend connect(RedisServer server, Consumer<AutoCloseable> closeAfterTest) {
		LettuceConnectionFactory factory = server.connectionFactory();
		closeAfterTest.accept(factory::destroy);
		return new RedisBackend(factory, new JdkSerializationCodec(null));
	}

	@Test
	void bytesWrittenByAnotherProgramReadAsUnreadableAndCanBeLeasedOnce() {
		LettuceConnectionFactory factory = redis.server().connectionFactory();
		closeAfterTest(factory::destroy);
		new StringRedisTemplate(factory).opsForValue().set("foreign", "written by someone else");
		Slot slot = backend().read("foreign");
		assertThat(slot).isInstanceOf(Slot.Unreadable.class);
		assertThat(backend().tryLease("foreign", slot, "first", java.time.Duration.ofSeconds(2))).isTrue();
		assertThat(backend().tryLease("foreign", slot, "second", java.time.Duration.ofSeconds(2))).isFalse();
	}

}
