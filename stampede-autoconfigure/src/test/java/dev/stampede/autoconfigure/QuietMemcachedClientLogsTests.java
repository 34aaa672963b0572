package dev.stampede.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class QuietMemcachedClientLogsTests {

	@Test
	void theMemcachedClientsErrorsAreNotLoggedByDefault(CapturedOutput output) {
		try (ConfigurableApplicationContext context = application(Map.of()).run()) {
			LoggerFactory.getLogger("net.rubyeye.xmemcached.impl.MemcachedConnector").error("connection refused");
			LoggerFactory.getLogger("com.google.code.yanf4j.core.impl.AbstractController").error("reconnect failed");
			// The network layer's reactor logs under this bare name.
			LoggerFactory.getLogger("remoting").error("reactor select failed");
		}
		assertThat(output).doesNotContain("connection refused")
			.doesNotContain("reconnect failed")
			.doesNotContain("reactor select failed");
	}

	@Test
	void anApplicationThatAsksForThemGetsThem(CapturedOutput output) {
		try (ConfigurableApplicationContext context = application(
				Map.of("logging.level.net.rubyeye.xmemcached", "error")).run()) {
			LoggerFactory.getLogger("net.rubyeye.xmemcached.impl.MemcachedConnector").error("connection refused");
		}
		assertThat(output).contains("connection refused");
	}

	private static SpringApplication application(Map<String, Object> properties) {
		SpringApplication application = new SpringApplication(Empty.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(properties);
		return application;
	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

}
