package dev.stampede.autoconfigure;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The in-process backend. It shares nothing with other JVMs, so it needs no circuit
 * breaker.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMissingBean(StampedeBackend.class)
@ConditionalOnStampedeBackend(StampedeProperties.Backend.LOCAL)
class LocalBackendConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(LocalBackendConfiguration.class);

	@Bean
	LocalBackend stampedeBackend(StampedeProperties properties, Environment environment) {
		LocalBackend backend = new LocalBackend(properties.getLocal().getMaximumSize());
		logger.info("Stampede uses the {} backend ({}), {}", backend.name(), backend,
				OnStampedeBackendCondition.reason(environment, StampedeProperties.Backend.LOCAL));
		return backend;
	}

}
