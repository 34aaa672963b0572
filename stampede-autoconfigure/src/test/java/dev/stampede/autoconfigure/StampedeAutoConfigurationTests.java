package dev.stampede.autoconfigure;

import java.time.Duration;
import java.util.stream.Stream;

import dev.stampede.CacheSettings;
import dev.stampede.Stampede;
import dev.stampede.annotation.StampedeProtected;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;
import dev.stampede.backend.memcached.MemcachedBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.codec.ValueCodec;
import dev.stampede.interceptor.StampedeAnnotationBeanPostProcessor;
import dev.stampede.test.MemcachedServer;
import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class StampedeAutoConfigurationTests {

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StampedeAutoConfiguration.class));

	@Test
	void theLocalBackendIsTheDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(Stampede.class)
				.hasSingleBean(StampedeAnnotationBeanPostProcessor.class)
				.hasSingleBean(JdkSerializationCodec.class);
			assertThat(context.getBean(StampedeBackend.class)).isInstanceOf(LocalBackend.class);
		});
	}

	@Test
	void theStartUpLineNamesTheBackendWhereItIsAndWhyItWasChosen(CapturedOutput output) {
		this.runner.run((context) -> assertThat(output).contains("Stampede uses the local backend (local, in this "
				+ "JVM, at most 10000 keys), the default, as stampede.backend is not set"));
		String servers = memcached.server().address();
		this.runner.withPropertyValues("stampede.memcached.servers=" + servers)
			.run((context) -> assertThat(output).contains("Stampede uses the memcached backend (memcached " + servers
					+ "), because stampede.memcached.servers is set"));
	}

	@Test
	void memcachedServersSelectTheMemcachedBackend() {
		this.runner.withPropertyValues("stampede.memcached.servers=" + memcached.server().address())
			.run((context) -> assertThat(context.getBean(StampedeBackend.class).name()).isEqualTo("memcached"));
	}

	@Test
	void anExplicitBackendWinsOverConfiguredServers() {
		this.runner
			.withPropertyValues("stampede.backend=local", "stampede.memcached.servers=" + memcached.server().address())
			.run((context) -> assertThat(context.getBean(StampedeBackend.class)).isInstanceOf(LocalBackend.class));
	}

	@Test
	void aRedisConnectionSelectsTheRedisBackend() {
		withRedis().run((context) -> assertThat(context.getBean(StampedeBackend.class).name()).isEqualTo("redis"));
	}

	@Test
	void memcachedServersWinOverARedisConnection() {
		withRedis().withPropertyValues("stampede.memcached.servers=" + memcached.server().address())
			.run((context) -> assertThat(context.getBean(StampedeBackend.class).name()).isEqualTo("memcached"));
	}

	@Test
	void redisWithoutSpringDataRedisSaysWhatToAdd() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.withPropertyValues("stampede.backend=redis")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("spring-boot-starter-data-redis"));
	}

	@Test
	void redisWithoutAConnectionSaysWhatToConfigure() {
		this.runner.withPropertyValues("stampede.backend=redis")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("RedisConnectionFactory")
				.hasStackTraceContaining("spring.data.redis"));
	}

	@Test
	void aRedisThatIsDownAtStartUpDoesNotStopTheApplicationAndCallsGoThrough() {
		this.runner.withConfiguration(BootLine.dataRedis())
			.withPropertyValues("spring.data.redis.host=" + RedisServer.HOST, "spring.data.redis.port=1",
					"spring.data.redis.timeout=200ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Stampede stampede = context.getBean(Stampede.class);
				assertThat(stampede.inspection().backend().name()).isEqualTo("redis");
				assertThat(stampede.get("down", "key", () -> "from the method")).isEqualTo("from the method");
			});
	}

	@Test
	void theAutoConfigurationItRunsAfterExists() {
		assertThat(Stream
			.of(StampedeAutoConfiguration.DATA_REDIS_AUTO_CONFIGURATION,
					StampedeAutoConfiguration.BOOT_3_DATA_REDIS_AUTO_CONFIGURATION)
			.filter((name) -> ClassUtils.isPresent(name, null))).as("the names on this Boot line").hasSize(1);
	}

	private ApplicationContextRunner withRedis() {
		return this.runner
			.withConfiguration(BootLine.dataRedis())
			.withPropertyValues("spring.data.redis.host=" + RedisServer.HOST,
					"spring.data.redis.port=" + redis.server().port());
	}

	@Test
	void disabledStampedeDefinesNothing() {
		this.runner.withPropertyValues("stampede.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Stampede.class)
				.doesNotHaveBean(StampedeBackend.class)
				.doesNotHaveBean(StampedeAnnotationBeanPostProcessor.class));
	}

	@Test
	void userDefinedBeansWin() {
		this.runner.withUserConfiguration(OwnBeans.class).run((context) -> {
			assertThat(context.getBean(StampedeBackend.class)).isSameAs(OwnBeans.backend);
			assertThat(context.getBean(ValueCodec.class)).isSameAs(OwnBeans.codec);
			assertThat(context).hasSingleBean(Stampede.class);
		});
	}

	@Test
	void memcachedWithoutServersNamesTheMissingProperty() {
		this.runner.withPropertyValues("stampede.backend=memcached")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.memcached.servers"));
	}

	@Test
	void unparsableServersNameTheProperty() {
		this.runner.withPropertyValues("stampede.memcached.servers=127.0.0.1:port")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.memcached.servers")
				.hasStackTraceContaining("host:port"));
	}

	@Test
	void memcachedWithoutItsClientSaysWhatToAdd() {
		this.runner.withClassLoader(new FilteredClassLoader("net.rubyeye.xmemcached"))
			.withPropertyValues("stampede.backend=memcached", "stampede.memcached.servers=127.0.0.1:1")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("com.googlecode.xmemcached:xmemcached"));
	}

	@Test
	void theLocalBackendWorksWithoutTheMemcachedClient() {
		this.runner.withClassLoader(new FilteredClassLoader("net.rubyeye.xmemcached"))
			.run((context) -> assertThat(context.getBean(StampedeBackend.class)).isInstanceOf(LocalBackend.class));
	}

	@Test
	void anUnknownBackendNamesThePropertyAndTheChoices() {
		this.runner.withPropertyValues("stampede.backend=riak")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.backend")
				.hasStackTraceContaining("riak"));
	}

	@Test
	void anUnparsableDurationNamesTheProperty() {
		this.runner.withPropertyValues("stampede.defaults.ttl=five minutes")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("stampede.defaults.ttl"));
	}

	@Test
	void aJitterAboveOneNamesTheProperty() {
		this.runner.withPropertyValues("stampede.defaults.backoff.jitter=1.5")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.defaults.backoff.jitter")
				.hasStackTraceContaining("between 0.0 and 1.0"));
	}

	@Test
	void aMaximumBackoffBelowTheInitialNamesTheCacheAndProperty() {
		this.runner.withPropertyValues("stampede.caches.products.backoff.max=1ms")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.caches.products.backoff.max"));
	}

	@Test
	void noRefreshThreadsNamesTheProperty() {
		this.runner.withPropertyValues("stampede.refresh.threads=0")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("stampede.refresh.threads"));
	}

	@Test
	void anUnknownRefreshModeNamesTheProperty() {
		this.runner.withPropertyValues("stampede.defaults.refresh=sometimes")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("stampede.defaults.refresh"));
	}

	@Test
	void aNegativeTtlNamesTheProperty() {
		this.runner.withPropertyValues("stampede.caches.products.ttl=-1s")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.caches.products.ttl"));
	}

	@Test
	void aHardTimeoutThatALoadWouldOutliveItsLeaseForNamesThePropertyAndTheFix() {
		this.runner
			.withPropertyValues("stampede.defaults.lease-ttl=5s", "stampede.caches.products.hard-timeout=5s")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.caches.products.hard-timeout")
				.hasStackTraceContaining("shorter than lease-ttl (5000 ms)")
				.hasStackTraceContaining("raise lease-ttl"));
	}

	@Test
	void aHardTimeoutNotLongerThanTheSoftTimeoutNamesTheProperty() {
		this.runner.withPropertyValues("stampede.defaults.soft-timeout=2s", "stampede.defaults.hard-timeout=1s")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.defaults.hard-timeout")
				.hasStackTraceContaining("longer than soft-timeout"));
	}

	@Test
	void failSafeAndTimeoutsAreSetPerCache() {
		this.runner
			.withPropertyValues("stampede.defaults.fail-safe-ttl=1h", "stampede.caches.products.fail-safe-throttle=5s",
					"stampede.caches.products.soft-timeout=100ms", "stampede.caches.products.hard-timeout=2s")
			.run((context) -> {
				CacheSettings products = context.getBean(Stampede.class).inspection().settings("products");
				assertThat(products.failSafeTtl()).isEqualTo(Duration.ofHours(1));
				assertThat(products.failSafeThrottle()).isEqualTo(Duration.ofSeconds(5));
				assertThat(products.softTimeout()).isEqualTo(Duration.ofMillis(100));
				assertThat(products.hardTimeout()).isEqualTo(Duration.ofSeconds(2));
				CacheSettings other = context.getBean(Stampede.class).inspection().settings("other");
				assertThat(other.failSafeTtl()).isEqualTo(Duration.ofHours(1));
				assertThat(other.hardTimeout()).isZero();
			});
	}

	@Test
	void aCircuitBreakerThatCouldNeverOpenNamesThePropertyOnEveryBackend() {
		this.runner.withPropertyValues("stampede.circuit-breaker.failure-threshold=0")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.circuit-breaker.failure-threshold"));
		this.runner
			.withPropertyValues("stampede.circuit-breaker.open-for=0s",
					"stampede.memcached.servers=" + memcached.server().address())
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.circuit-breaker.open-for"));
	}

	@Test
	void perCacheKeysLeftUnsetComeFromTheConfiguredDefaults() {
		this.runner
			.withPropertyValues("stampede.defaults.max-wait=7s", "stampede.defaults.backoff.max=1s",
					"stampede.caches.products.ttl=10s", "stampede.caches.products.backoff.initial=20ms")
			.run((context) -> {
				CacheSettings products = context.getBean(Stampede.class).inspection().settings("products");
				assertThat(products.ttl()).isEqualTo(Duration.ofSeconds(10));
				assertThat(products.maxWait()).isEqualTo(Duration.ofSeconds(7));
				assertThat(products.backoff().initial()).isEqualTo(Duration.ofMillis(20));
				assertThat(products.backoff().max()).isEqualTo(Duration.ofSeconds(1));
				assertThat(products.leaseTtl()).isEqualTo(CacheSettings.DEFAULTS.leaseTtl());
			});
	}

	@Test
	void aSubSecondLeaseOnMemcachedNamesTheProperty() {
		this.runner
			.withPropertyValues("stampede.memcached.servers=" + memcached.server().address(),
					"stampede.caches.products.lease-ttl=500ms")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.caches.products.lease-ttl")
				.hasStackTraceContaining("whole seconds"));
	}

	@Test
	void anInvalidKeyExpressionFailsStartUpNamingTheMethod() {
		this.runner.withUserConfiguration(BadKeyConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid key expression '#id +'")
				.hasStackTraceContaining("BadKey.find(long)"));
	}

	@Test
	void anUnparsableDurationOnTheAnnotationFailsStartUpNamingTheMethod() {
		this.runner.withUserConfiguration(BadTtlConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Invalid ttl '30 seconds'")
				.hasStackTraceContaining("BadTtl.find(long)"));
	}

	@Test
	void aKeyThatEvaluatesToNullFailsTheCallWithAClearMessage() {
		this.runner.withUserConfiguration(NullKeyConfiguration.class).run((context) -> {
			NullKey service = context.getBean(NullKey.class);
			org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
				.isThrownBy(() -> service.find(null))
				.withMessageContaining("evaluated to null");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeans {

		static final StampedeBackend backend = new LocalBackend(10);

		static final ValueCodec codec = new JdkSerializationCodec(null);

		@Bean
		StampedeBackend ownBackend() {
			return backend;
		}

		@Bean
		ValueCodec ownCodec() {
			return codec;
		}

	}

	@Test
	void aReturnTypeTheCodecCannotStoreOnASharedBackendIsNamedAtStartUp(CapturedOutput output) {
		this.runner.withPropertyValues("stampede.memcached.servers=" + memcached.server().address())
			.withUserConfiguration(UnstorableConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("Unstorable.find(long) returns " + Unstorable.Plain.class.getName()
						+ ", which the java/1 codec cannot store on the memcached backend")
					.contains("java.io.Serializable")
					.doesNotContain("Unstorable.serializable(long) returns");
			});
	}

	@Test
	void onTheInProcessBackendEveryReturnTypeIsStoredSoNoneIsNamed(CapturedOutput output) {
		this.runner.withUserConfiguration(UnstorableConfiguration.class)
			.run((context) -> assertThat(output).doesNotContain("which the java/1 codec cannot store"));
	}

	static class Unstorable {

		@StampedeProtected(cache = "plain")
		public Plain find(long id) {
			return new Plain(id);
		}

		@StampedeProtected(cache = "serializable")
		public String serializable(long id) {
			return "x";
		}

		record Plain(long id) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnstorableConfiguration {

		@Bean
		Unstorable unstorable() {
			return new Unstorable();
		}

	}

	static class BadKey {

		@StampedeProtected(cache = "bad", key = "#id +")
		public String find(long id) {
			return "x";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadKeyConfiguration {

		@Bean
		BadKey badKey() {
			return new BadKey();
		}

	}

	static class BadTtl {

		@StampedeProtected(cache = "bad", ttl = "30 seconds")
		public String find(long id) {
			return "x";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadTtlConfiguration {

		@Bean
		BadTtl badTtl() {
			return new BadTtl();
		}

	}

	static class NullKey {

		@StampedeProtected(cache = "null-key", key = "#name")
		public String find(String name) {
			return "x";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NullKeyConfiguration {

		@Bean
		NullKey nullKey() {
			return new NullKey();
		}

	}

}
