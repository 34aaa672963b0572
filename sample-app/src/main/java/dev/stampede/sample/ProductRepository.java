package dev.stampede.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Repository;

/**
 * Stands in for a database whose product query is expensive, and counts the queries
 * it really runs.
 */
@Repository
public class ProductRepository {

	private final Map<Long, Product> products = new ConcurrentHashMap<>();

	private final AtomicLong queries = new AtomicLong();

	private final Duration queryTime;

	public ProductRepository(@Value("${sample.query-time:300ms}") Duration queryTime) {
		this.queryTime = queryTime;
	}

	public Product slowQuery(long id) throws InterruptedException {
		this.queries.incrementAndGet();
		Thread.sleep(this.queryTime.toMillis());
		return this.products.computeIfAbsent(id,
				(key) -> new Product(key, "Product " + key, BigDecimal.valueOf(10 + key % 90)));
	}

	public void save(Product product) {
		this.products.put(product.id(), product);
	}

	public long queries() {
		return this.queries.get();
	}

}
