/**
 * How values and leases become bytes for a shared backend.
 */
@NullMarked
package dev.stampede.codec;

import org.jspecify.annotations.NullMarked;
