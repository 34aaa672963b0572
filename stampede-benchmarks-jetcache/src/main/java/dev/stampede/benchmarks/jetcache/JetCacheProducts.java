package dev.stampede.benchmarks.jetcache;

import com.alicp.jetcache.anno.CachePenetrationProtect;
import com.alicp.jetcache.anno.Cached;
import dev.stampede.benchmarks.worker.Database;
import dev.stampede.benchmarks.worker.Product;

/**
 * Products read through JetCache's remote (Redis) cache with penetration protection,
 * its guard against stampedes. TTLs come from the areas' configuration.
 */
public class JetCacheProducts {

	private final Database database;

	public JetCacheProducts(Database database) {
		this.database = database;
	}

	@Cached(name = "products:")
	@CachePenetrationProtect
	public Product product(String id) {
		return this.database.load(id);
	}

	@Cached(area = "hits", name = "hits:")
	@CachePenetrationProtect
	public Product longLived(String id) {
		return this.database.load(id);
	}

}
