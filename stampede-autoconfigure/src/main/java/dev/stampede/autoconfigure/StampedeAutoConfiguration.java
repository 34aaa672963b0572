package dev.stampede.autoconfigure;

import java.time.Clock;

import dev.stampede.InvalidSettingException;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.CircuitBreakingBackend;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.codec.ValueCodec;
import dev.stampede.interceptor.StampedeAnnotationBeanPostProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of Stampede: the backend chosen by {@code stampede.backend}, the
 * value codec, the {@link Stampede} engine and the post-processor that protects
 * annotated methods. Each bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = StampedeAutoConfiguration.DATA_REDIS_AUTO_CONFIGURATION)
@ConditionalOnBooleanProperty(name = "stampede.enabled", matchIfMissing = true)
@EnableConfigurationProperties(StampedeProperties.class)
public final class StampedeAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(StampedeAutoConfiguration.class);

	static final String DATA_REDIS_AUTO_CONFIGURATION = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration";

	private static final String XMEMCACHED_CLIENT = "net.rubyeye.xmemcached.MemcachedClient";

	private static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

	@Bean
	@ConditionalOnMissingBean
	ValueCodec stampedeValueCodec(ResourceLoader resourceLoader) {
		return new JdkSerializationCodec(resourceLoader.getClassLoader());
	}

	@Bean
	@ConditionalOnMissingBean
	StampedeBackend stampedeBackend(StampedeProperties properties, ValueCodec codec, ResourceLoader resourceLoader,
			ListableBeanFactory beanFactory) {
		boolean redisClasses = ClassUtils.isPresent(REDIS_CONNECTION_FACTORY, resourceLoader.getClassLoader());
		StampedeProperties.Backend backend = determineBackend(properties,
				redisClasses && RedisBackends.hasConnection(beanFactory));
		logger.info("Stampede uses the {} backend", backend.name().toLowerCase());
		StampedeBackend shared = switch (backend) {
			case LOCAL -> new LocalBackend(properties.getLocal().getMaximumSize());
			case MEMCACHED -> {
				if (!ClassUtils.isPresent(XMEMCACHED_CLIENT, resourceLoader.getClassLoader())) {
					throw new InvalidConfigurationPropertyValueException("stampede.backend", "memcached",
							"the memcached backend needs com.googlecode.xmemcached:xmemcached on the class path; "
									+ "depend on stampede-spring-boot-starter, which brings it, or add it");
				}
				yield MemcachedBackends.connect(properties.getMemcached(), codec);
			}
			case REDIS -> {
				if (!redisClasses) {
					throw new InvalidConfigurationPropertyValueException("stampede.backend", "redis",
							"the redis backend needs Spring Data Redis; add "
									+ "org.springframework.boot:spring-boot-starter-data-redis");
				}
				yield RedisBackends.create(beanFactory, codec);
			}
		};
		StampedeProperties.CircuitBreaker circuit = properties.getCircuitBreaker();
		if (backend == StampedeProperties.Backend.LOCAL || !circuit.isEnabled()) {
			return shared;
		}
		StampedePropertiesMapper.checkCircuitBreaker(circuit);
		return new CircuitBreakingBackend(shared, circuit.getFailureThreshold(), circuit.getOpenFor());
	}

	private static StampedeProperties.Backend determineBackend(StampedeProperties properties,
			boolean redisConnectionAvailable) {
		if (properties.getBackend() != null) {
			return properties.getBackend();
		}
		if (StringUtils.hasText(properties.getMemcached().getServers())) {
			return StampedeProperties.Backend.MEMCACHED;
		}
		return redisConnectionAvailable ? StampedeProperties.Backend.REDIS : StampedeProperties.Backend.LOCAL;
	}

	@Bean
	@ConditionalOnMissingBean
	Stampede stampede(StampedeBackend backend, StampedeProperties properties) {
		StampedeSettings settings = StampedePropertiesMapper.settings(properties);
		try {
			return new Stampede(backend, settings, properties.getKeyPrefix(), Clock.systemUTC(),
					properties.getRefresh().getThreads(), properties.getRefresh().getQueueCapacity());
		}
		catch (InvalidSettingException ex) {
			// a setting outside what the backend can keep, such as a sub-second lease on memcached
			throw StampedePropertiesMapper.invalid(ex);
		}
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static StampedeAnnotationBeanPostProcessor stampedeAnnotationBeanPostProcessor(
			ObjectProvider<Stampede> stampede) {
		return new StampedeAnnotationBeanPostProcessor(stampede);
	}

}
