package dev.stampede.sample;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * A product of the catalogue. Serializable, because shared backends store bytes.
 */
public record Product(long id, String name, BigDecimal price) implements Serializable {
}
