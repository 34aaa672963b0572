package dev.stampede.benchmarks.redisson;

import java.time.Duration;
import java.util.Map;

import dev.stampede.benchmarks.worker.Database;
import dev.stampede.benchmarks.worker.Worker;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.codec.SerializationCodec;
import org.redisson.config.Config;
import org.redisson.spring.cache.CacheConfig;
import org.redisson.spring.cache.RedissonSpringCacheManager;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * One JVM of the harness's Redisson variant: {@code @Cacheable(sync = true)} on
 * {@link RedissonSpringCacheManager}, with Redisson's defaults but for the TTLs and the
 * codec. The harness passes {@code harness.*} as system properties.
 */
@SpringBootApplication
@EnableCaching
public class RedissonWorker {

	@Bean
	Database database(@Value("${harness.query-time}") Duration queryTime) {
		return new Database(queryTime);
	}

	@Bean
	RedissonProducts redissonProducts(Database database) {
		return new RedissonProducts(database);
	}

	@Bean(destroyMethod = "shutdown")
	RedissonClient redisson(@Value("${harness.redis.port}") int port) {
		Config config = new Config();
		// Java serialization, as every other Redis variant stores its values
		config.setCodec(new SerializationCodec());
		config.useSingleServer().setAddress("redis://127.0.0.1:" + port);
		return Redisson.create(config);
	}

	@Bean
	RedissonSpringCacheManager cacheManager(RedissonClient redisson, @Value("${harness.ttl-millis}") long ttlMillis) {
		return new RedissonSpringCacheManager(redisson, Map.of("products", new CacheConfig(ttlMillis, 0),
				"hits", new CacheConfig(Duration.ofHours(1).toMillis(), 0)));
	}

	public static void main(String[] args) throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(RedissonWorker.class)
			.web(WebApplicationType.NONE)
			.run(args)) {
			RedissonProducts products = context.getBean(RedissonProducts.class);
			int threads = context.getEnvironment().getRequiredProperty("harness.threads", Integer.class);
			new Worker((key) -> key.startsWith("hit-") ? products.longLived(key) : products.product(key),
					context.getBean(Database.class), threads)
				.serve(System.in, System.out);
		}
		System.exit(0);
	}

}
