package dev.stampede.cache;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;

/**
 * Methods of every kind of Spring caching annotation on Stampede caches; each load
 * is counted in {@link Loads}, which every application of a test shares.
 */
public class Products {

	private final Loads loads;

	public Products(Loads loads) {
		this.loads = loads;
	}

	@Cacheable(cacheNames = "products", sync = true)
	public String synced(long id) throws InterruptedException {
		Thread.sleep(100);
		return "synced-" + id + "-" + this.loads.count("synced");
	}

	@Cacheable("plain")
	public String plain(long id) throws InterruptedException {
		Thread.sleep(100);
		return "plain-" + id + "-" + this.loads.count("plain");
	}

	@Cacheable("futures")
	public CompletableFuture<String> future(long id) {
		int load = this.loads.count("future");
		return CompletableFuture.supplyAsync(() -> "future-" + id + "-" + load,
				CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
	}

	@Cacheable(cacheNames = "plain", unless = "#result == null")
	public String unprotectable(long id) {
		return "unprotectable-" + id + "-" + this.loads.count("unprotectable");
	}

	@Cacheable(cacheNames = "products", sync = true)
	public String failing(long id) throws IOException, InterruptedException {
		// long enough for every released caller to join this load
		Thread.sleep(300);
		throw new IOException("database down #" + this.loads.count("failing"));
	}

	@CachePut(cacheNames = "products", key = "#p0")
	public String update(long id, String value) {
		return value;
	}

	@CacheEvict("products")
	public void evict(long id) {
	}

	@CacheEvict(cacheNames = "products", allEntries = true)
	public void evictAll() {
	}

}
