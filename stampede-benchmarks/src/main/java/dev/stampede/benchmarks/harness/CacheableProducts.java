package dev.stampede.benchmarks.harness;

import dev.stampede.benchmarks.worker.Database;
import dev.stampede.benchmarks.worker.Product;

import org.springframework.cache.annotation.Cacheable;

/** Products read through Spring's {@code @Cacheable}, which lets every caller of a miss load. */
public class CacheableProducts {

	private final Database database;

	public CacheableProducts(Database database) {
		this.database = database;
	}

	@Cacheable("products")
	public Product product(String id) {
		return this.database.load(id);
	}

	@Cacheable("hits")
	public Product longLived(String id) {
		return this.database.load(id);
	}

}
