package dev.stampede.autoconfigure;

import dev.stampede.actuate.StampedeEndpoint;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class StampedeEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(StampedeAutoConfiguration.class, StampedeEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=stampede");

	@Test
	void theEndpointIsThereWhenExposed() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(StampedeEndpoint.class));
	}

	@Test
	void theEndpointIsAbsentWhenNotExposed() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(StampedeEndpoint.class));
	}

	@Test
	void theEndpointIsAbsentWithoutActuator() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(StampedeEndpoint.class));
	}

}
