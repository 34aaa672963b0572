package dev.stampede.benchmarks.harness;

import dev.stampede.annotation.StampedeProtected;
import dev.stampede.benchmarks.worker.Database;
import dev.stampede.benchmarks.worker.Product;

/** Products read through {@code @StampedeProtected}; TTLs come from {@code stampede.*}. */
public class StampedeProducts {

	private final Database database;

	public StampedeProducts(Database database) {
		this.database = database;
	}

	@StampedeProtected(cache = "products")
	public Product product(String id) {
		return this.database.load(id);
	}

	@StampedeProtected(cache = "hits", ttl = "1h")
	public Product longLived(String id) {
		return this.database.load(id);
	}

}
