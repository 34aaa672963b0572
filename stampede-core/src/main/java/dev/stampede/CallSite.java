package dev.stampede;

/**
 * A place that reads a cache through Stampede, with the settings resolved for it
 * once: an annotated method, or programmatic calls naming a cache.
 *
 * @param cache the cache name
 * @param settings the effective settings
 * @param origin where the calls come from, for messages (a method signature, or the cache name)
 */
public record CallSite(String cache, CacheSettings settings, String origin) {
}
