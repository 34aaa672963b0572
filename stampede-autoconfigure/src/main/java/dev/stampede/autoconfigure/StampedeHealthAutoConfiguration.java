package dev.stampede.autoconfigure;

import dev.stampede.FailurePolicy;
import dev.stampede.Stampede;
import dev.stampede.actuate.StampedeHealthCheck;
import dev.stampede.actuate.StampedeHealthIndicator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code stampede} health indicator of the backend, on Spring Boot 4.
 */
@AutoConfiguration(after = StampedeAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(Stampede.class)
public final class StampedeHealthAutoConfiguration {

	// On the method, so that the condition's class is only read once Boot's health support is known to be there.
	@Bean
	@ConditionalOnMissingBean(name = "stampedeHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("stampede")
	StampedeHealthIndicator stampedeHealthIndicator(Stampede stampede, StampedeProperties properties) {
		return new StampedeHealthIndicator(healthCheck(stampede, properties));
	}

	/**
	 * The check behind the {@code stampede} health indicator of either Boot line.
	 * @param stampede the engine
	 * @param properties the settings that say whether a dead backend is {@code DOWN}
	 * @return the check
	 */
	public static StampedeHealthCheck healthCheck(Stampede stampede, StampedeProperties properties) {
		Boolean configured = properties.getHealth().getDownWhenBackendDown();
		boolean down = (configured != null) ? configured
				: StampedePropertiesMapper.defaults(properties).onBackendFailure() == FailurePolicy.FAIL;
		return new StampedeHealthCheck(stampede, down);
	}

}
