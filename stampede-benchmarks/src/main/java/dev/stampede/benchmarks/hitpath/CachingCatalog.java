package dev.stampede.benchmarks.hitpath;

import dev.stampede.benchmarks.worker.Product;

import org.springframework.cache.annotation.Cacheable;

/** Reads products through Spring's {@code @Cacheable}. */
public class CachingCatalog {

	@Cacheable("products")
	public Product product(String id) {
		return Product.of(id);
	}

}
