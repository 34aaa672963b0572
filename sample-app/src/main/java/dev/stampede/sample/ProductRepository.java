package dev.stampede.sample;

import java.util.Optional;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The catalogue's table, with a deliberately expensive product query, and the
 * database's own count of how often that query ran.
 */
@Repository
public class ProductRepository {

	private final JdbcClient jdbc;

	private final String slowQuery;

	private final String queryCount;

	public ProductRepository(JdbcClient jdbc, @Value("${sample.slow-query}") String slowQuery,
			@Value("${sample.query-count}") String queryCount) {
		this.jdbc = jdbc;
		this.slowQuery = slowQuery;
		this.queryCount = queryCount;
	}

	/** Looks a product up the expensive way. */
	public Optional<Product> slowQuery(long id) {
		return this.jdbc.sql(this.slowQuery).param(id).query(Product.class).optional();
	}

	public void save(Product product) {
		this.jdbc.sql("UPDATE product SET name = ?, price = ? WHERE id = ?")
			.params(product.name(), product.price(), product.id())
			.update();
	}

	/** How many times the database ran the expensive query, by its own statistics. */
	public long queries() {
		return this.jdbc.sql(this.queryCount).query(Long.class).single();
	}

}
