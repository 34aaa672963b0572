package dev.stampede.autoconfigure;

import dev.stampede.Stampede;
import dev.stampede.actuate.StampedeEndpoint;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code stampede} actuator endpoint, when Actuator is on the class path and the
 * endpoint is available.
 */
@AutoConfiguration(after = StampedeAutoConfiguration.class)
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnBean(Stampede.class)
@ConditionalOnAvailableEndpoint(StampedeEndpoint.class)
public final class StampedeEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	StampedeEndpoint stampedeEndpoint(Stampede stampede) {
		return new StampedeEndpoint(stampede);
	}

}
