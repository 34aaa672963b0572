package dev.stampede.autoconfigure;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns the memcached client's own logging off by default. While a server is down,
 * xmemcached and its network layer log an error with a stack trace on every
 * reconnection attempt; Stampede already reports the same failures once, as a
 * rate-limited warning. Its network layer's reactor logs as {@code remoting}. Any
 * {@code logging.level.net.rubyeye.xmemcached}, {@code logging.level.com.google.code.yanf4j}
 * or {@code logging.level.remoting} the application sets wins.
 * <p>
 * Registered under Boot 3's name for environment post-processors, which Boot 4 reads
 * too, so that one registration serves both lines.
 */
@SuppressWarnings("deprecation")
class QuietMemcachedClientLogs implements org.springframework.boot.env.EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE = "stampede-memcached-client-logging";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE, Map.of("logging.level.net.rubyeye.xmemcached", "off",
					"logging.level.com.google.code.yanf4j", "off", "logging.level.remoting", "off")));
	}

}
