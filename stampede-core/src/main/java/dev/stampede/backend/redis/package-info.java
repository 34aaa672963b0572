/**
 * The Redis backend, on the application's Spring Data Redis connection.
 */
@NullMarked
package dev.stampede.backend.redis;

import org.jspecify.annotations.NullMarked;
