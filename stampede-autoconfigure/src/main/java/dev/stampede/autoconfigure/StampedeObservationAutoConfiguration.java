package dev.stampede.autoconfigure;

import dev.stampede.Stampede;
import dev.stampede.observation.LoadObservationConvention;
import dev.stampede.observation.StampedeObservations;
import dev.stampede.observation.WaitObservationConvention;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Stampede's loads and waits as observations of the application's
 * {@link ObservationRegistry}, which Spring Boot defines with Actuator: traced with
 * Micrometer Tracing, and timed by the registry's meter handler. Without a registry
 * nothing is observed, and {@link dev.stampede.actuate.StampedeMetrics} times loads and
 * waits itself.
 */
@AutoConfiguration(after = StampedeAutoConfiguration.class,
		afterName = { StampedeObservationAutoConfiguration.OBSERVATION_AUTO_CONFIGURATION,
				StampedeObservationAutoConfiguration.BOOT_3_OBSERVATION_AUTO_CONFIGURATION })
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ Stampede.class, ObservationRegistry.class })
public final class StampedeObservationAutoConfiguration {

	static final String OBSERVATION_AUTO_CONFIGURATION = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration";

	static final String BOOT_3_OBSERVATION_AUTO_CONFIGURATION = "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration";

	@Bean
	@ConditionalOnMissingBean
	StampedeObservations stampedeObservations(Stampede stampede, ObservationRegistry registry,
			ObjectProvider<LoadObservationConvention> loadConvention,
			ObjectProvider<WaitObservationConvention> waitConvention) {
		StampedeObservations observations = new StampedeObservations(registry);
		observations.setLoadConvention(loadConvention.getIfUnique());
		observations.setWaitConvention(waitConvention.getIfUnique());
		stampede.addObserver(observations);
		return observations;
	}

}
