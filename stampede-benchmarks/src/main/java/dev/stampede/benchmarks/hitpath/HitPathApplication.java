package dev.stampede.benchmarks.hitpath;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.stampede.Stampede;
import dev.stampede.benchmarks.harness.CacheableProducts;
import dev.stampede.benchmarks.harness.StampedeProducts;
import dev.stampede.benchmarks.worker.Database;
import dev.stampede.cache.StampedeCacheManager;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.utils.AddrUtil;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.cache.support.SimpleCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * One application with the harness's Stampede and {@code @Cacheable} products on the
 * store named by {@code bench.store}:
 * Stampede through its auto-configuration, {@code @Cacheable} through the cache
 * manager an application would define for that store, and {@code @Cacheable} on
 * Stampede's own cache manager.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableCaching
class HitPathApplication {

	// Only the warm-up call reaches it: every measured call is a hit.
	@Bean
	Database database() {
		return new Database(Duration.ZERO);
	}

	@Bean
	StampedeProducts stampedeProducts(Database database) {
		return new StampedeProducts(database);
	}

	@Bean
	CacheableProducts cacheableProducts(Database database) {
		return new CacheableProducts(database);
	}

	@Bean
	StampedeCacheableProducts stampedeCacheableProducts(Database database) {
		return new StampedeCacheableProducts(database);
	}

	// Named by the Stampede @Cacheable; the store's own manager stays the default of every other.
	@Bean
	StampedeCacheManager stampedeCacheManager(Stampede stampede) {
		return new StampedeCacheManager(stampede);
	}

	@Bean
	@Primary
	CacheManager cacheManager(Environment environment, ObjectProvider<RedisConnectionFactory> redis)
			throws IOException {
		String store = environment.getRequiredProperty("bench.store");
		return switch (store) {
			case "local" -> {
				CaffeineCacheManager caffeine = new CaffeineCacheManager();
				caffeine.setCaffeine(Caffeine.newBuilder().maximumSize(10_000));
				yield caffeine;
			}
			case "memcached" -> {
				SimpleCacheManager memcached = new SimpleCacheManager();
				memcached.setCaches(List.of(new MemcachedSpringCache("products",
						memcachedClient(environment.getRequiredProperty("stampede.memcached.servers")))));
				yield memcached;
			}
			case "redis" -> RedisCacheManager.create(redis.getObject());
			default -> throw new IllegalArgumentException("Unknown bench.store '" + store + "'");
		};
	}

	/** A client configured as Stampede configures its own: binary protocol, 500 ms timeout. */
	static MemcachedClient memcachedClient(String servers) throws IOException {
		XMemcachedClientBuilder builder = new XMemcachedClientBuilder(AddrUtil.getAddresses(servers));
		builder.setCommandFactory(new BinaryCommandFactory());
		builder.setOpTimeout(500);
		return builder.build();
	}

}
