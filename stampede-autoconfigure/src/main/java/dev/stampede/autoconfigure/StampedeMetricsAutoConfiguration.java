package dev.stampede.autoconfigure;

import dev.stampede.Stampede;
import dev.stampede.actuate.StampedeMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters of Stampede, bound to every {@link MeterRegistry} the application has.
 */
@AutoConfiguration(after = StampedeAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(Stampede.class)
public final class StampedeMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	StampedeMetrics stampedeMetrics(Stampede stampede) {
		return new StampedeMetrics(stampede);
	}

}
