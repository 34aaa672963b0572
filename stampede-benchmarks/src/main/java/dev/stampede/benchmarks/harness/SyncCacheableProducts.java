package dev.stampede.benchmarks.harness;

import dev.stampede.benchmarks.worker.Database;
import dev.stampede.benchmarks.worker.Product;

import org.springframework.cache.annotation.Cacheable;

/** Products read through {@code @Cacheable(sync = true)}: one loader per key and JVM. */
public class SyncCacheableProducts {

	private final Database database;

	public SyncCacheableProducts(Database database) {
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
