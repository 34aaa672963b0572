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
@ConditionalOnClass(name = "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint")
@ConditionalOnBean(Stampede.class)
public final class StampedeEndpointAutoConfiguration {

	// On the method, so that the condition's class is only read once Actuator is known to be there.
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(StampedeEndpoint.class)
	StampedeEndpoint stampedeEndpoint(Stampede stampede) {
		return new StampedeEndpoint(stampede);
	}

}
