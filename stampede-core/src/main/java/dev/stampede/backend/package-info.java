/**
 * The backend SPI: where values and leases live. A backend keeps, per key, one slot
 * that is empty, holds a lease, or holds a value. The engine calls
 * {@link dev.stampede.backend.StampedeBackend}; a store of bytes implements it by
 * extending {@link dev.stampede.backend.KeyValueBackend}, which holds the lease
 * protocol over a few primitives of the store.
 */
@NullMarked
package dev.stampede.backend;

import org.jspecify.annotations.NullMarked;
