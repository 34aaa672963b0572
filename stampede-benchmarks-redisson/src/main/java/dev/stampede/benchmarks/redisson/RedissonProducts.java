package dev.stampede.benchmarks.redisson;

import dev.stampede.benchmarks.worker.Database;
import dev.stampede.benchmarks.worker.Product;

import org.springframework.cache.annotation.Cacheable;

/**
 * Products read through {@code @Cacheable(sync = true)} on Redisson's cache manager,
 * which loads a missing key under a Redis lock of that key, shared by every JVM.
 */
public class RedissonProducts {

	private final Database database;

	public RedissonProducts(Database database) {
		this.database = database;
	}

	@Cacheable(cacheNames = "products", sync = true)
	public Product product(String id) {
		return this.database.load(id);
	}

	@Cacheable(cacheNames = "hits", sync = true)
	public Product longLived(String id) {
		return this.database.load(id);
	}

}
