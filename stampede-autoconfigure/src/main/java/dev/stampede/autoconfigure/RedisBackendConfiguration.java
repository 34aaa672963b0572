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
 * The Redis backend on the application's own Lettuce connection
 * ({@code spring.data.redis.*}: a single server, Sentinel or Cluster), its operations
 * bounded by {@code stampede.redis.op-timeout}, behind the circuit breaker.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = RedisBackendConfiguration.CONNECTION_FACTORY)
@ConditionalOnMissingBean(StampedeBackend.class)
@ConditionalOnStampedeBackend(StampedeProperties.Backend.REDIS)
class RedisBackendConfiguration {

	static final String CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

	private static final Logger logger = LoggerFactory.getLogger(RedisBackendConfiguration.class);

	@Bean
	StampedeBackend stampedeBackend(ObjectProvider<RedisConnectionFactory> connectionFactories,
			RecordCodec records, StampedeProperties properties, Environment environment) {
		RedisConnectionFactory connectionFactory = connectionFactories.getIfUnique();
		if (connectionFactory == null) {
			throw new InvalidConfigurationPropertyValueException("stampede.backend", "redis",
					"the redis backend uses the application's RedisConnectionFactory, and there is none (or more than "
							+ "one); add spring-boot-starter-data-redis and configure spring.data.redis.*");
		}
		if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
			throw new InvalidConfigurationPropertyValueException("stampede.backend", "redis",
					"the redis backend needs Lettuce, the client of spring-boot-starter-data-redis, to bound each "
							+ "operation by stampede.redis.op-timeout; the application's RedisConnectionFactory is a "
							+ connectionFactory.getClass().getName() + ": use Lettuce (spring.data.redis.client-type="
							+ "lettuce), or choose stampede.backend=memcached or local");
		}
		Duration opTimeout = properties.getRedis().getOpTimeout();
		if (opTimeout.isNegative() || opTimeout.isZero()) {
			throw new InvalidConfigurationPropertyValueException("stampede.redis.op-timeout", opTimeout,
					"must be positive, such as 500ms");
		}
		RedisBackend backend = new RedisBackend(lettuce, records, opTimeout);
		logger.info("Stampede uses the {} backend ({}), {}", backend.name(), backend,
				OnStampedeBackendCondition.reason(environment, StampedeProperties.Backend.REDIS));
		return StampedePropertiesMapper.withCircuitBreaker(backend, properties.getCircuitBreaker());
	}

}
