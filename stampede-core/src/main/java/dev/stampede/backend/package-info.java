/**
 * The backend SPI: where values and leases live. A backend keeps, per key, one slot
 * that is empty, holds a lease, or holds a value.
 */
@NullMarked
package dev.stampede.backend;

import org.jspecify.annotations.NullMarked;
