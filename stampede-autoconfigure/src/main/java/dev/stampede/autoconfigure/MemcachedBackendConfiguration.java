package dev.stampede.autoconfigure;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.memcached.MemcachedBackend;
import dev.stampede.codec.RecordCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The memcached backend on {@code stampede.memcached.servers}, through the xmemcached
 * client, behind the circuit breaker.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = MemcachedBackendConfiguration.CLIENT)
@ConditionalOnMissingBean(StampedeBackend.class)
@ConditionalOnStampedeBackend(StampedeProperties.Backend.MEMCACHED)
class MemcachedBackendConfiguration {

	static final String CLIENT = "net.rubyeye.xmemcached.MemcachedClient";

	private static final Logger logger = LoggerFactory.getLogger(MemcachedBackendConfiguration.class);

	@Bean
	StampedeBackend stampedeBackend(StampedeProperties properties, RecordCodec records, Environment environment) {
		MemcachedBackend backend = connect(properties.getMemcached(), records);
		logger.info("Stampede uses the {} backend ({}), {}", backend.name(), backend,
				OnStampedeBackendCondition.reason(environment, StampedeProperties.Backend.MEMCACHED));
		return StampedePropertiesMapper.withCircuitBreaker(backend, properties.getCircuitBreaker());
	}

	private static MemcachedBackend connect(StampedeProperties.Memcached properties, RecordCodec records) {
		String servers = properties.getServers();
		if (!StringUtils.hasText(servers)) {
			throw new InvalidConfigurationPropertyValueException("stampede.memcached.servers", servers,
					"the memcached backend needs its servers, such as stampede.memcached.servers=127.0.0.1:11211");
		}
		MemcachedBackend backend;
		try {
			backend = MemcachedBackend.connect(servers, properties.getOpTimeout(), properties.getConnectTimeout(),
					records);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("stampede.memcached.servers", servers,
					ex.getMessage());
		}
		if (backend.getClient().getAvailableServers().isEmpty()) {
			logger.warn("No memcached server of stampede.memcached.servers={} is reachable now. Protected methods "
					+ "follow on-backend-failure until one is; the client reconnects by itself.", servers);
		}
		return backend;
	}

}
