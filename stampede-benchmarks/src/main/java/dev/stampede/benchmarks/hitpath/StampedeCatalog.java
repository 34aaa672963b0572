package dev.stampede.benchmarks.hitpath;

import dev.stampede.annotation.StampedeProtected;
import dev.stampede.benchmarks.worker.Product;

/** Reads products through {@code @StampedeProtected}. */
public class StampedeCatalog {

	@StampedeProtected(cache = "products")
	public Product product(String id) {
		return Product.of(id);
	}

}
