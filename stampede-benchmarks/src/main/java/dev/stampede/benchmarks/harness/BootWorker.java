package dev.stampede.benchmarks.harness;

import java.time.Duration;

import dev.stampede.benchmarks.worker.Database;
import dev.stampede.benchmarks.worker.Worker;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * One JVM of a harness variant that runs on this project's Spring Boot: Stampede,
 * Spring's {@code @Cacheable} on Redis, or Spring's {@code @Cacheable} on Stampede. The harness passes the variant and the servers as
 * system properties ({@code harness.*}, {@code stampede.*}, {@code spring.data.redis.*}).
 */
public final class BootWorker {

	private BootWorker() {
	}

	public static void main(String[] args) throws Exception {
		Variant variant = Variant.valueOf(System.getProperty("harness.variant"));
		Class<?> application = switch (variant.worker()) {
			case STAMPEDE -> StampedeApplication.class;
			case CACHEABLE_ON_STAMPEDE, SYNC_CACHEABLE_ON_STAMPEDE -> StampedeCacheApplication.class;
			default -> CacheableApplication.class;
		};
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off")
			.run(args)) {
			int threads = context.getEnvironment().getRequiredProperty("harness.threads", Integer.class);
			new Worker(reader(context, variant.worker()), context.getBean(Database.class), threads).serve(System.in,
					System.out);
		}
		System.exit(0);
	}

	private static Worker.Reader reader(ConfigurableApplicationContext context, Variant.Worker worker) {
		return switch (worker) {
			case STAMPEDE -> {
				StampedeProducts products = context.getBean(StampedeProducts.class);
				yield (key) -> isLongLived(key) ? products.longLived(key) : products.product(key);
			}
			case CACHEABLE, CACHEABLE_ON_STAMPEDE -> {
				CacheableProducts products = context.getBean(CacheableProducts.class);
				yield (key) -> isLongLived(key) ? products.longLived(key) : products.product(key);
			}
			case SYNC_CACHEABLE, SYNC_CACHEABLE_ON_STAMPEDE -> {
				SyncCacheableProducts products = context.getBean(SyncCacheableProducts.class);
				yield (key) -> isLongLived(key) ? products.longLived(key) : products.product(key);
			}
			case JETCACHE, REDISSON -> throw new IllegalArgumentException(worker + " runs on a class path of its own");
		};
	}

	private static boolean isLongLived(String key) {
		return key.startsWith("hit-");
	}

	@Configuration(proxyBeanMethods = false)
	static class HarnessDatabase {

		@Bean
		Database database(@Value("${harness.query-time}") Duration queryTime) {
			return new Database(queryTime);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(HarnessDatabase.class)
	static class StampedeApplication {

		@Bean
		StampedeProducts stampedeProducts(Database database) {
			return new StampedeProducts(database);
		}

	}

	/**
	 * Spring's caching annotations on Stampede's cache manager, as an application gets
	 * them from {@code stampede.spring-cache.enabled=true} with nothing else changed.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableCaching
	@Import(HarnessDatabase.class)
	static class StampedeCacheApplication {

		@Bean
		CacheableProducts cacheableProducts(Database database) {
			return new CacheableProducts(database);
		}

		@Bean
		SyncCacheableProducts syncCacheableProducts(Database database) {
			return new SyncCacheableProducts(database);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration(excludeName = "dev.stampede.autoconfigure.StampedeAutoConfiguration")
	@EnableCaching
	@Import(HarnessDatabase.class)
	static class CacheableApplication {

		@Bean
		CacheableProducts cacheableProducts(Database database) {
			return new CacheableProducts(database);
		}

		@Bean
		SyncCacheableProducts syncCacheableProducts(Database database) {
			return new SyncCacheableProducts(database);
		}

		@Bean
		RedisCacheManager cacheManager(RedisConnectionFactory connectionFactory, @Value("${harness.ttl}") Duration ttl,
				@Value("${harness.locking-writer:false}") boolean lockingWriter) {
			RedisCacheWriter writer = lockingWriter ? RedisCacheWriter.lockingRedisCacheWriter(connectionFactory)
					: RedisCacheWriter.nonLockingRedisCacheWriter(connectionFactory);
			return RedisCacheManager.builder(writer)
				.cacheDefaults(RedisCacheConfiguration.defaultCacheConfig().entryTtl(ttl))
				.withCacheConfiguration("hits", RedisCacheConfiguration.defaultCacheConfig().entryTtl(Duration.ofHours(1)))
				.build();
		}

	}

}
