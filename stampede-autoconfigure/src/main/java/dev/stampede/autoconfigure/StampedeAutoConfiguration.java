package dev.stampede.autoconfigure;

import java.time.Clock;
import java.util.List;

import dev.stampede.InvalidSettingException;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.codec.RecordCodec;
import dev.stampede.codec.ValueCodec;
import dev.stampede.interceptor.StampedeAnnotationBeanPostProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of Stampede: the backend, from the one configuration class per
 * backend that {@link ConditionalOnStampedeBackend} selects, the value codec and the
 * record format of shared backends, the {@link Stampede} engine and the post-processor
 * that protects annotated methods. Each bean backs off when the application defines
 * its own.
 */
@AutoConfiguration(afterName = { StampedeAutoConfiguration.DATA_REDIS_AUTO_CONFIGURATION,
		StampedeAutoConfiguration.BOOT_3_DATA_REDIS_AUTO_CONFIGURATION })
@ConditionalOnBooleanProperty(name = "stampede.enabled", matchIfMissing = true)
@EnableConfigurationProperties(StampedeProperties.class)
@Import({ LocalBackendConfiguration.class, MemcachedBackendConfiguration.class, RedisBackendConfiguration.class })
public final class StampedeAutoConfiguration {

	static final String DATA_REDIS_AUTO_CONFIGURATION = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration";

	static final String BOOT_3_DATA_REDIS_AUTO_CONFIGURATION = "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration";

	private static final Logger logger = LoggerFactory.getLogger(StampedeAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	ValueCodec stampedeValueCodec(StampedeProperties properties, ResourceLoader resourceLoader,
			BeanFactory beanFactory) {
		ValueCodec codec = StampedePropertiesMapper.valueCodec(properties.getCodec(), resourceLoader.getClassLoader(),
				() -> AutoConfigurationPackages.has(beanFactory) ? AutoConfigurationPackages.get(beanFactory)
						: List.of());
		logger.debug("Stampede's values in a shared backend: {}", codec);
		return codec;
	}

	@Bean
	@ConditionalOnMissingBean
	RecordCodec stampedeRecordCodec(ValueCodec codec, StampedeProperties properties, Environment environment) {
		String instanceId = StampedePropertiesMapper.instanceId(properties,
				environment.getProperty("spring.application.name"));
		logger.debug("Stampede's leases name this instance '{}'", instanceId);
		return StampedePropertiesMapper.records(codec, properties.getCodec(), instanceId);
	}

	// The properties come first, so that a value that does not bind is reported before a missing backend.
	@Bean
	@ConditionalOnMissingBean
	Stampede stampede(StampedeProperties properties, ObjectProvider<StampedeBackend> backends) {
		StampedeSettings settings = StampedePropertiesMapper.settings(properties);
		StampedeBackend backend = backends.getIfAvailable();
		if (backend == null) {
			throw clientLibraryMissing(properties);
		}
		try {
			return new Stampede(backend, settings, properties.getKeyPrefix(), Clock.systemUTC(),
					properties.getRefresh().getThreads(), properties.getRefresh().getQueueCapacity());
		}
		catch (InvalidSettingException ex) {
			// a setting outside what the backend can keep, such as a sub-second lease on memcached
			throw StampedePropertiesMapper.invalid(ex);
		}
	}

	// The local backend is always there when chosen: a missing backend is a shared one without its client.
	private static InvalidConfigurationPropertyValueException clientLibraryMissing(StampedeProperties properties) {
		if (properties.getBackend() == StampedeProperties.Backend.REDIS) {
			return new InvalidConfigurationPropertyValueException("stampede.backend", "redis",
					"the redis backend needs Spring Data Redis; add "
							+ "org.springframework.boot:spring-boot-starter-data-redis");
		}
		return new InvalidConfigurationPropertyValueException("stampede.backend", "memcached",
				"the memcached backend needs com.googlecode.xmemcached:xmemcached on the class path; "
						+ "depend on stampede-spring-boot-starter, which brings it, or add it");
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static StampedeAnnotationBeanPostProcessor stampedeAnnotationBeanPostProcessor(
			ObjectProvider<Stampede> stampede, Environment environment) {
		StampedeAnnotationBeanPostProcessor postProcessor = new StampedeAnnotationBeanPostProcessor(stampede);
		// Read from the environment: a post-processor is created before properties beans are bound.
		postProcessor.setAdvisorOrder(environment.getProperty("stampede.order", Integer.class));
		return postProcessor;
	}

}
