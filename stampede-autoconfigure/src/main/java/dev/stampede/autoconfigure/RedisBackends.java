package dev.stampede.autoconfigure;

import java.time.Duration;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.ValueCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Creates the Redis backend on the application's connection. Kept apart so that
 * Spring Data Redis's classes are loaded only when they are on the class path.
 */
final class RedisBackends {

	private static final Logger logger = LoggerFactory.getLogger(RedisBackends.class);

	private static final Duration SLOW_COMMAND_TIMEOUT = Duration.ofSeconds(1);

	private RedisBackends() {
	}

	static boolean hasConnection(ListableBeanFactory beanFactory) {
		return beanFactory.getBeanNamesForType(RedisConnectionFactory.class, true, false).length > 0;
	}

	static StampedeBackend create(ListableBeanFactory beanFactory, ValueCodec codec) {
		RedisConnectionFactory connectionFactory = beanFactory.getBeanProvider(RedisConnectionFactory.class)
			.getIfUnique();
		if (connectionFactory == null) {
			throw new InvalidConfigurationPropertyValueException("stampede.backend", "redis",
					"the redis backend uses the application's RedisConnectionFactory, and there is none (or more than "
							+ "one); add spring-boot-starter-data-redis and configure spring.data.redis.*");
		}
		if (connectionFactory instanceof LettuceConnectionFactory lettuce) {
			Duration timeout = lettuce.getClientConfiguration().getCommandTimeout();
			if (timeout.compareTo(SLOW_COMMAND_TIMEOUT) > 0) {
				logger.warn("Redis commands may take up to {} ms before they time out; a cache on the request path "
						+ "wants less, such as spring.data.redis.timeout=500ms", timeout.toMillis());
			}
		}
		return new RedisBackend(connectionFactory, codec);
	}

}
