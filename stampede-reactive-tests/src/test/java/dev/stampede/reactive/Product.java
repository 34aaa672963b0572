package dev.stampede.reactive;

import java.io.Serializable;

/**
 * What the catalogue serves. Serializable, because shared backends store bytes.
 */
public record Product(long id, String name) implements Serializable {

	static Product of(long id) {
		return new Product(id, "Product " + id);
	}

}
