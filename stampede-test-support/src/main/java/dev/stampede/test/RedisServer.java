package dev.stampede.test;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A real {@code redis-server} process on 127.0.0.1, without persistence.
 */
public final class RedisServer extends ServerProcess {

	// Lettuce's event loops are costly; every connection of the tests shares one set.
	static final ClientResources resources = DefaultClientResources.create();

	public RedisServer() {
		super("redis-server", "Install Redis (apt-get install redis-server, or brew install redis)");
	}

	@Override
	protected List<String> command(String executable, int port) {
		return List.of(executable, "--bind", HOST, "--port", Integer.toString(port), "--save", "", "--appendonly",
				"no", "--protected-mode", "no");
	}

	/**
	 * A started Lettuce connection factory to this server, with a 500 ms command
	 * timeout. The caller destroys it.
	 */
	public LettuceConnectionFactory connectionFactory() {
		return connectionFactory(Duration.ofMillis(500));
	}

	/**
	 * A started Lettuce connection factory to this server, whose commands time out after
	 * {@code commandTimeout}, as {@code spring.data.redis.timeout} sets it. The caller
	 * destroys it.
	 */
	public LettuceConnectionFactory connectionFactory(Duration commandTimeout) {
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.clientResources(resources)
			.commandTimeout(commandTimeout)
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(HOST, port()),
				client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

}
