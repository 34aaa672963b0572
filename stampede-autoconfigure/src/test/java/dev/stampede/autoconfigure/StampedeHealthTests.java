package dev.stampede.autoconfigure;

import dev.stampede.Stampede;
import dev.stampede.autoconfigure.BootLine.Health;
import dev.stampede.test.MemcachedServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class StampedeHealthTests {

	// One server per test: each test kills it.
	@RegisterExtension
	final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StampedeAutoConfiguration.class))
		.withConfiguration(BootLine.stampedeHealth());

	@Test
	void aBackendThatAnswersIsUpWithItsRoundTrip() {
		withMemcached().run((context) -> {
			Health health = BootLine.stampedeHealth(context);
			assertThat(health.status()).isEqualTo("UP");
			assertThat(health.details()).containsEntry("backend", "memcached")
				.containsEntry("backendStatus", "UP")
				.containsKey("roundTripMillis");
		});
	}

	@Test
	void withCallThroughADeadBackendLeavesTheApplicationUpAndSaysSoInTheDetails() {
		withMemcached().run((context) -> {
			this.memcached.server().kill();
			Health health = BootLine.stampedeHealth(context);
			assertThat(health.status()).isEqualTo("UP");
			assertThat(health.details()).containsEntry("backendStatus", "DOWN")
				.containsEntry("protectedMethods", "calling through")
				.containsKey("error")
				.doesNotContainKey("degradedValues");
		});
	}

	@Test
	void whileTheBackendIsDownTheDetailsCountTheValuesKeptInThisJvm() {
		withMemcached().run((context) -> {
			Stampede stampede = context.getBean(Stampede.class);
			this.memcached.server().kill();
			assertThat(stampede.get("health", "k1", () -> "v1")).isEqualTo("v1");
			assertThat(stampede.get("health", "k2", () -> "v2")).isEqualTo("v2");
			assertThat(BootLine.stampedeHealth(context).details()).containsEntry("degradedValues", 2L);
		});
	}

	@Test
	void withFailADeadBackendIsDown() {
		withMemcached().withPropertyValues("stampede.defaults.on-backend-failure=fail").run((context) -> {
			this.memcached.server().kill();
			assertThat(BootLine.stampedeHealth(context).status()).isEqualTo("DOWN");
		});
	}

	@Test
	void downWhenBackendDownCanBeSwitchedOn() {
		withMemcached().withPropertyValues("stampede.health.down-when-backend-down=true").run((context) -> {
			this.memcached.server().kill();
			assertThat(BootLine.stampedeHealth(context).status()).isEqualTo("DOWN");
		});
	}

	@Test
	void theIndicatorCanBeSwitchedOffLikeAnyOther() {
		this.runner.withPropertyValues("management.health.stampede.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("stampedeHealthIndicator"));
	}

	@Test
	void thereIsNoIndicatorWithoutBootsHealthSupport() {
		this.runner.withClassLoader(new FilteredClassLoader(BootLine.healthPackage()))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("stampedeHealthIndicator"));
	}

	private ApplicationContextRunner withMemcached() {
		return this.runner.withPropertyValues("stampede.memcached.servers=" + this.memcached.server().address());
	}

}
