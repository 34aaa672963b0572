/**
 * The memcached backend, on the xmemcached client.
 */
@NullMarked
package dev.stampede.backend.memcached;

import org.jspecify.annotations.NullMarked;
