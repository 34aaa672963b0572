package dev.stampede.autoconfigure;

import java.time.Duration;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.RecordCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis backend on the application's own connection ({@code spring.data.redis.*}),
 * behind the circuit breaker.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = RedisBackendConfiguration.CONNECTION_FACTORY)
@ConditionalOnMissingBean(StampedeBackend.class)
@ConditionalOnStampedeBackend(StampedeProperties.Backend.REDIS)
class RedisBackendConfiguration {

	static final String CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

	private static final Logger logger = LoggerFactory.getLogger(RedisBackendConfiguration.class);

	private static final Duration SLOW_COMMAND_TIMEOUT = Duration.ofSeconds(1);

	@Bean
	StampedeBackend stampedeBackend(ObjectProvider<RedisConnectionFactory> connectionFactories,
			RecordCodec records, StampedeProperties properties, Environment environment) {
		RedisConnectionFactory connectionFactory = connectionFactories.getIfUnique();
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
		RedisBackend backend = new RedisBackend(connectionFactory, records);
		logger.info("Stampede uses the {} backend ({}), {}", backend.name(), backend,
				OnStampedeBackendCondition.reason(environment, StampedeProperties.Backend.REDIS));
		return StampedePropertiesMapper.withCircuitBreaker(backend, properties.getCircuitBreaker());
	}

}
