package dev.stampede.autoconfigure.boot3;

import dev.stampede.Stampede;
import dev.stampede.autoconfigure.StampedeAutoConfiguration;
import dev.stampede.autoconfigure.StampedeHealthAutoConfiguration;
import dev.stampede.autoconfigure.StampedeProperties;

import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code stampede} health indicator on Spring Boot 3, whose health types live in
 * {@code org.springframework.boot.actuate.health}; Boot 4 has none there, so this
 * backs off and {@link StampedeHealthAutoConfiguration} serves it.
 */
@AutoConfiguration(after = StampedeAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean(Stampede.class)
public final class Boot3HealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "stampedeHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("stampede")
	Boot3StampedeHealthIndicator stampedeHealthIndicator(Stampede stampede, StampedeProperties properties) {
		return new Boot3StampedeHealthIndicator(StampedeHealthAutoConfiguration.healthCheck(stampede, properties));
	}

}
