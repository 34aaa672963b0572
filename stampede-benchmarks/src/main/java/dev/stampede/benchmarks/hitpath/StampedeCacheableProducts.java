package dev.stampede.benchmarks.hitpath;

import dev.stampede.benchmarks.worker.Database;
import dev.stampede.benchmarks.worker.Product;

import org.springframework.cache.annotation.Cacheable;

/**
 * Products read through a plain {@code @Cacheable} on Stampede's cache manager, which
 * Stampede serves through its protected path as it would {@code sync = true}.
 */
public class StampedeCacheableProducts {

	private final Database database;

	public StampedeCacheableProducts(Database database) {
		this.database = database;
	}

	@Cacheable(cacheNames = "cacheable-products", cacheManager = "stampedeCacheManager")
	public Product product(String id) {
		return this.database.load(id);
	}

}
