package dev.stampede.autoconfigure;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.Stampede;
import dev.stampede.backend.CircuitBreakingBackend;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;
import dev.stampede.backend.memcached.MemcachedBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.test.MemcachedServer;
import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerExtension;
import dev.stampede.test.Stampedes;
import dev.stampede.test.Stampedes.CallResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One configuration class per backend, and the condition that selects exactly one of
 * them.
 */
class BackendConfigurationTests {

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StampedeAutoConfiguration.class));

	@Test
	void withNothingConfiguredTheLocalConfigurationAloneSetsUpABareLocalBackend() {
		this.runner.run((context) -> {
			assertOnlyConfiguration(context, LocalBackendConfiguration.class);
			assertThat(context.getBean(StampedeBackend.class)).isInstanceOf(LocalBackend.class);
		});
	}

	@Test
	void localCanBeChosenOverARedisConnection() {
		withRedis().withPropertyValues("stampede.backend=local").run((context) -> {
			assertOnlyConfiguration(context, LocalBackendConfiguration.class);
			assertThat(context.getBean(StampedeBackend.class)).isInstanceOf(LocalBackend.class);
		});
	}

	@Test
	void memcachedServersSelectTheMemcachedConfigurationBehindTheCircuitBreaker() {
		withMemcached().run((context) -> {
			assertOnlyConfiguration(context, MemcachedBackendConfiguration.class);
			assertThat(delegateOf(context.getBean(StampedeBackend.class))).isInstanceOf(MemcachedBackend.class);
		});
	}

	@Test
	void memcachedWithoutTheCircuitBreakerIsTheBareBackend() {
		withMemcached().withPropertyValues("stampede.circuit-breaker.enabled=false")
			.run((context) -> assertThat(context.getBean(StampedeBackend.class)).isInstanceOf(MemcachedBackend.class));
	}

	@Test
	void memcachedServersWithoutTheClientLibrarySayWhatToAdd() {
		withMemcached().withClassLoader(new FilteredClassLoader("net.rubyeye.xmemcached"))
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("com.googlecode.xmemcached:xmemcached"));
	}

	@Test
	void aRedisConnectionSelectsTheRedisConfigurationBehindTheCircuitBreaker() {
		withRedis().run((context) -> {
			assertOnlyConfiguration(context, RedisBackendConfiguration.class);
			assertThat(delegateOf(context.getBean(StampedeBackend.class))).isInstanceOf(RedisBackend.class);
		});
	}

	@Test
	void redisCanBeChosenOverMemcachedServers() {
		withRedis()
			.withPropertyValues("stampede.backend=redis", "stampede.memcached.servers=" + memcached.server().address())
			.run((context) -> assertOnlyConfiguration(context, RedisBackendConfiguration.class));
	}

	@Test
	void aPausedRedisCostsACallerAboutOneOpTimeoutAndOneLoadWhateverSpringDataRedisTimeout() {
		Duration opTimeout = Duration.ofMillis(300);
		Duration load = Duration.ofMillis(100);
		withRedis()
			.withPropertyValues("spring.data.redis.timeout=10s", "stampede.redis.op-timeout=" + opTimeout.toMillis() + "ms",
					"stampede.circuit-breaker.enabled=false")
			.run((context) -> {
				Stampede stampede = context.getBean(Stampede.class);
				// Connects, and reads the cache's generation, which the engine then trusts for a second.
				assertThat(stampede.get("paused", "warm", () -> "cached")).isEqualTo("cached");
				redis.server().pause();
				AtomicInteger keys = new AtomicInteger();
				ConcurrentLinkedQueue<Duration> latencies = new ConcurrentLinkedQueue<>();
				List<CallResult> outcomes = Stampedes.run(8, () -> {
					long start = System.nanoTime();
					Object value = stampede.get("paused", "key-" + keys.incrementAndGet(), () -> {
						Thread.sleep(load.toMillis());
						return "from the method";
					});
					latencies.add(Duration.ofNanos(System.nanoTime() - start));
					return value;
				});
				redis.server().resume();
				assertThat(outcomes).extracting(CallResult::value).containsOnly("from the method");
				assertThat(latencies).hasSize(8)
					.allSatisfy((latency) -> assertThat(latency).isLessThan(opTimeout.plus(load).plusMillis(700)));
			});
	}

	@Test
	void aRedisOpTimeoutThatIsNotPositiveFailsStartUpNamingTheProperty() {
		withRedis().withPropertyValues("stampede.redis.op-timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.redis.op-timeout")
				.hasStackTraceContaining("must be positive"));
	}

	@Test
	void aRedisConnectionOtherThanLettuceFailsStartUpSayingWhatToUse() {
		this.runner.withPropertyValues("stampede.backend=redis")
			.withBean(RedisConnectionFactory.class,
					() -> (RedisConnectionFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
							new Class<?>[] { RedisConnectionFactory.class }, (proxy, method, arguments) -> switch (method
								.getName()) {
								case "toString" -> "a connection factory of another client";
								case "hashCode" -> 0;
								case "equals" -> proxy == arguments[0];
								default -> throw new UnsupportedOperationException(method.getName());
							}))
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("needs Lettuce")
				.hasStackTraceContaining("stampede.redis.op-timeout")
				.hasStackTraceContaining("spring.data.redis.client-type=lettuce"));
	}

	@Test
	void withoutSpringDataRedisTheLocalBackendIsChosen() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> assertOnlyConfiguration(context, LocalBackendConfiguration.class));
	}

	@Test
	void anApplicationsOwnBackendLeavesEveryBackendConfigurationOut() {
		withMemcached().withUserConfiguration(OwnBackend.class).run((context) -> {
			assertThat(context).doesNotHaveBean(LocalBackendConfiguration.class)
				.doesNotHaveBean(MemcachedBackendConfiguration.class)
				.doesNotHaveBean(RedisBackendConfiguration.class);
			assertThat(context.getBean(StampedeBackend.class)).isSameAs(OwnBackend.backend);
		});
	}

	private static void assertOnlyConfiguration(AssertableApplicationContext context, Class<?> configuration) {
		assertThat(context).hasSingleBean(configuration).hasSingleBean(StampedeBackend.class);
		for (Class<?> other : new Class<?>[] { LocalBackendConfiguration.class, MemcachedBackendConfiguration.class,
				RedisBackendConfiguration.class }) {
			if (other != configuration) {
				assertThat(context).doesNotHaveBean(other);
			}
		}
	}

	private static StampedeBackend delegateOf(StampedeBackend backend) {
		assertThat(backend).isInstanceOf(CircuitBreakingBackend.class);
		return ((CircuitBreakingBackend) backend).getDelegate();
	}

	private ApplicationContextRunner withMemcached() {
		return this.runner.withPropertyValues("stampede.memcached.servers=" + memcached.server().address());
	}

	private ApplicationContextRunner withRedis() {
		return this.runner.withConfiguration(BootLine.dataRedis())
			.withPropertyValues("spring.data.redis.host=" + RedisServer.HOST,
					"spring.data.redis.port=" + redis.server().port());
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBackend {

		static final StampedeBackend backend = new LocalBackend(10);

		@Bean
		StampedeBackend ownBackend() {
			return backend;
		}

	}

}
