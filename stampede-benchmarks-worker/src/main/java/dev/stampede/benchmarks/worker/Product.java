package dev.stampede.benchmarks.worker;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * The value every benchmark caches: small, serializable, the shape of a typical
 * entity read from a database.
 */
public record Product(String id, String name, BigDecimal price) implements Serializable {

	/** The product the slow "database" returns for {@code id}. */
	public static Product of(String id) {
		return new Product(id, "Product " + id, new BigDecimal("19.99"));
	}

}
