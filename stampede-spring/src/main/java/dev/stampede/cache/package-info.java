/**
 * Spring's cache abstraction on Stampede: a {@code CacheManager} whose caches load
 * under the engine's lease, and the protection of plain {@code @Cacheable} methods
 * on them.
 */
@NullMarked
package dev.stampede.cache;

import org.jspecify.annotations.NullMarked;
