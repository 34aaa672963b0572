package dev.stampede.autoconfigure;

import dev.stampede.Stampede;
import dev.stampede.actuate.StampedeMetrics;
import dev.stampede.observation.StampedeObservations;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters of Stampede, bound to every {@link MeterRegistry} the application has.
 * The timers of loads and waits come from Stampede's observations when the application
 * has an {@code ObservationRegistry} ({@link StampedeObservationAutoConfiguration}).
 */
@AutoConfiguration(after = StampedeAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(Stampede.class)
public final class StampedeMetricsAutoConfiguration {

	// Where Stampede's observations time loads and waits, the registry's meter handler makes their timers.
	@Bean
	@ConditionalOnMissingBean
	StampedeMetrics stampedeMetrics(Stampede stampede, ObjectProvider<StampedeObservations> observations) {
		return new StampedeMetrics(stampede, observations.getIfAvailable() == null);
	}

}
