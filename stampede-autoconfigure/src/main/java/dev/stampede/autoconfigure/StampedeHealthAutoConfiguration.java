package dev.stampede.autoconfigure;

import dev.stampede.FailurePolicy;
import dev.stampede.Stampede;
import dev.stampede.actuate.StampedeHealthIndicator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code stampede} health indicator of the backend.
 */
@AutoConfiguration(after = StampedeAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Stampede.class)
@ConditionalOnEnabledHealthIndicator("stampede")
public final class StampedeHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "stampedeHealthIndicator")
	StampedeHealthIndicator stampedeHealthIndicator(Stampede stampede, StampedeProperties properties) {
		Boolean configured = properties.getHealth().getDownWhenBackendDown();
		boolean down = (configured != null) ? configured
				: properties.getDefaults().getOnBackendFailure() == FailurePolicy.FAIL;
		return new StampedeHealthIndicator(stampede, down);
	}

}
