package dev.stampede.autoconfigure;

import dev.stampede.Stampede;
import dev.stampede.cache.CacheableProtectionPostProcessor;
import dev.stampede.cache.StampedeCacheManager;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

/**
 * Spring's cache abstraction on Stampede. With {@code stampede.spring-cache.enabled=true}
 * a {@link StampedeCacheManager} is the application's {@link CacheManager}, unless the
 * application defines its own; it comes before Spring Boot's cache auto-configuration,
 * which then creates none. Plain {@code @Cacheable} methods on the caches of any
 * {@code StampedeCacheManager} are protected as {@code @Cacheable(sync = true)} ones.
 */
@AutoConfiguration(after = StampedeAutoConfiguration.class,
		beforeName = { StampedeCacheAutoConfiguration.CACHE_AUTO_CONFIGURATION,
				StampedeCacheAutoConfiguration.BOOT_3_CACHE_AUTO_CONFIGURATION })
@ConditionalOnBean(Stampede.class)
@EnableConfigurationProperties(StampedeCacheProperties.class)
public final class StampedeCacheAutoConfiguration {

	static final String CACHE_AUTO_CONFIGURATION = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration";

	static final String BOOT_3_CACHE_AUTO_CONFIGURATION = "org.springframework.boot.autoconfigure.cache.CacheAutoConfiguration";

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static CacheableProtectionPostProcessor stampedeCacheableProtection() {
		return new CacheableProtectionPostProcessor();
	}

	@Bean
	@ConditionalOnBooleanProperty("stampede.spring-cache.enabled")
	@ConditionalOnMissingBean(CacheManager.class)
	StampedeCacheManager cacheManager(Stampede stampede, StampedeCacheProperties properties) {
		return new StampedeCacheManager(stampede, properties.getCacheNames());
	}

}
