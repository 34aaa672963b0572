package dev.stampede.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.stampede.CacheSettings;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.annotation.StampedeProtected;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.codec.RecordCodec;
import dev.stampede.observation.StampedeObservations;
import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stampede's observations in an application: on with an {@code ObservationRegistry},
 * naming the instance whose load a call waited for, its leases naming the application's
 * own {@code stampede.instance-id}, and the timers of loads and waits made once.
 */
class StampedeObservationAutoConfigurationTests {

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	private static final String WEB_1 = "catalog@web-1:101";

	private static final String WEB_2 = "catalog@web-2:202";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StampedeAutoConfiguration.class,
				StampedeMetricsAutoConfiguration.class, StampedeObservationAutoConfiguration.class))
		.withUserConfiguration(Catalog.class);

	private final ExecutorService callers = Executors.newCachedThreadPool();

	@AfterEach
	void stopCallers() {
		this.callers.shutdownNow();
	}

	@Test
	void aCallThatWaitsForAnotherInstancesLoadIsObservedNamingThatInstanceAndItsOwnLeasesNameThisOne() {
		this.runner.withConfiguration(BootLine.dataRedis())
			.withUserConfiguration(TestRegistry.class)
			.withPropertyValues("spring.data.redis.host=" + RedisServer.HOST,
					"spring.data.redis.port=" + redis.server().port(), "stampede.instance-id=" + WEB_2,
					"stampede.defaults.max-wait=20s", "stampede.defaults.lease-ttl=20s")
			.run((context) -> {
				TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
				Products products = context.getBean(Products.class);
				LettuceConnectionFactory connection = redis.server().connectionFactory();
				try (RedisBackend backend = new RedisBackend(connection,
						RecordCodec.builder(new JdkSerializationCodec(null)).holder(WEB_1).build());
						Stampede otherInstance = new Stampede(backend, new StampedeSettings(
								CacheSettings.builder().leaseTtl(Duration.ofSeconds(20)).build(), Map.of()), "",
								Clock.systemUTC())) {
					CountDownLatch loading = new CountDownLatch(1);
					CountDownLatch release = new CountDownLatch(1);
					Future<Object> held = this.callers.submit(() -> otherInstance.get("products", 42L, () -> {
						loading.countDown();
						assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
						return "loaded by web-1";
					}));
					assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
					Future<String> waited = this.callers.submit(() -> products.find(42));
					Stampede stampede = context.getBean(Stampede.class);
					await().atMost(Duration.ofSeconds(10)).until(() -> stampede.inspection().waitingCount() == 1);
					release.countDown();
					assertThat(waited.get(10, TimeUnit.SECONDS)).isEqualTo("loaded by web-1");
					assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("loaded by web-1");
				}
				finally {
					connection.destroy();
				}
				assertThat(registry).hasSingleObservationThat()
					.hasNameEqualTo("stampede.wait")
					.hasLowCardinalityKeyValue("cache", "products")
					.hasLowCardinalityKeyValue("outcome", "waited")
					.hasHighCardinalityKeyValue("key", "42")
					.hasHighCardinalityKeyValue("holder", WEB_1)
					.hasBeenStopped();
				StampedeBackend backend = context.getBean(StampedeBackend.class);
				String key = context.getBean(Stampede.class).inspection().backendKey("products", 43L);
				AtomicReference<Slot> leaseWhileLoading = new AtomicReference<>();
				products.duringLoad(() -> leaseWhileLoading.set(backend.read(key)));
				assertThat(products.find(43)).isEqualTo("loaded by web-2");
				assertThat(leaseWhileLoading.get()).isInstanceOfSatisfying(Slot.Leased.class,
						(lease) -> assertThat(lease.holder()).isEqualTo(WEB_2));
				assertThat(registry).hasObservationWithNameEqualTo("stampede.load")
					.that()
					.hasHighCardinalityKeyValue("key", "43")
					.hasLowCardinalityKeyValue("outcome", "success")
					.hasBeenStopped();
			});
	}

	@Test
	void withBootsObservationRegistryTheTimersOfLoadsComeFromTheObservationsAlone() {
		this.runner.withConfiguration(BootLine.observation())
			.withConfiguration(BootLine.metrics())
			.withUserConfiguration(Meters.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(StampedeObservations.class);
				context.getBean(Products.class).find(1);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("stampede.load")
					.tags("cache", "products", "outcome", "success", "error", "none")
					.timer()
					.count()).isEqualTo(1);
				assertThat(meters.get("stampede.load.active").tags("cache", "products").longTaskTimer())
					.as("the meter handler's own").isNotNull();
				assertThat(meters.get("stampede.calls").tags("cache", "products", "outcome", "loaded")
					.functionCounter()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void withoutAnObservationRegistryNothingIsObservedAndTheMetersTimeLoadsThemselves() {
		this.runner.withConfiguration(BootLine.metrics()).withUserConfiguration(Meters.class).run((context) -> {
			assertThat(context).doesNotHaveBean(StampedeObservations.class);
			context.getBean(Products.class).find(1);
			assertThat(context.getBean(MeterRegistry.class)
				.get("stampede.load")
				.tags("cache", "products", "outcome", "success", "error", "none")
				.timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void theInstanceIdDefaultsToTheApplicationsNameTheHostAndTheProcessId() {
		this.runner.withPropertyValues("spring.application.name=catalog").run((context) -> {
			RecordCodec records = context.getBean(RecordCodec.class);
			RecordCodec.Content lease = records.decode("key", records.encodeLease("token"), Object.class);
			assertThat(lease).isInstanceOfSatisfying(RecordCodec.Lease.class, (named) -> assertThat(named.holder())
				.startsWith("catalog@")
				.endsWith(":" + ProcessHandle.current().pid()));
		});
	}

	@Test
	void anInstanceIdThatALeaseCannotCarryFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("stampede.instance-id=" + "x".repeat(256))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("stampede.instance-id")
				.hasMessageContaining("255 bytes"));
	}

	@Configuration(proxyBeanMethods = false)
	static class Catalog {

		@Bean
		Products products() {
			return new Products();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TestRegistry {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Meters {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	static class Products {

		private volatile Runnable duringLoad = () -> {
		};

		@StampedeProtected(cache = "products")
		public String find(long id) {
			this.duringLoad.run();
			return "loaded by web-2";
		}

		// A method, so that the proxy hands it to the bean.
		public void duringLoad(Runnable action) {
			this.duringLoad = action;
		}

	}

}
