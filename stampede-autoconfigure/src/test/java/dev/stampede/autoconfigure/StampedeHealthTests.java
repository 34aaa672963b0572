package dev.stampede.autoconfigure;

import dev.stampede.actuate.StampedeHealthIndicator;
import dev.stampede.test.MemcachedServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class StampedeHealthTests {

	// One server per test: each test kills it.
	@RegisterExtension
	final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(StampedeAutoConfiguration.class, StampedeHealthAutoConfiguration.class));

	@Test
	void aBackendThatAnswersIsUpWithItsRoundTrip() {
		withMemcached().run((context) -> {
			Health health = context.getBean(StampedeHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backend", "memcached")
				.containsEntry("backendStatus", "UP")
				.containsKey("roundTripMillis");
		});
	}

	@Test
	void withCallThroughADeadBackendLeavesTheApplicationUpAndSaysSoInTheDetails() {
		withMemcached().run((context) -> {
			this.memcached.server().kill();
			Health health = context.getBean(StampedeHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("backendStatus", "DOWN")
				.containsEntry("protectedMethods", "calling through")
				.containsKey("error");
		});
	}

	@Test
	void withFailADeadBackendIsDown() {
		withMemcached().withPropertyValues("stampede.defaults.on-backend-failure=fail").run((context) -> {
			this.memcached.server().kill();
			assertThat(context.getBean(StampedeHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void downWhenBackendDownCanBeSwitchedOn() {
		withMemcached().withPropertyValues("stampede.health.down-when-backend-down=true").run((context) -> {
			this.memcached.server().kill();
			assertThat(context.getBean(StampedeHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void theIndicatorCanBeSwitchedOffLikeAnyOther() {
		this.runner.withPropertyValues("management.health.stampede.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(StampedeHealthIndicator.class));
	}

	@Test
	void thereIsNoIndicatorWithoutBootsHealthSupport() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(StampedeHealthIndicator.class));
	}

	private ApplicationContextRunner withMemcached() {
		return this.runner.withPropertyValues("stampede.memcached.servers=" + this.memcached.server().address());
	}

}
