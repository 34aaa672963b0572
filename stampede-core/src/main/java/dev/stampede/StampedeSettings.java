package dev.stampede;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * All cache settings of one engine: defaults, plus per-cache overrides from
 * configuration that win over everything else.
 *
 * @param defaults settings of every cache not overridden
 * @param caches per-cache overrides by cache name
 */
public record StampedeSettings(CacheSettings defaults, Map<String, CacheSettings.Overrides> caches) {

	public StampedeSettings {
		caches = Map.copyOf(caches);
	}

	/** Settings with {@link CacheSettings#DEFAULTS} and no per-cache overrides. */
	public static StampedeSettings standard() {
		return new StampedeSettings(CacheSettings.DEFAULTS, Map.of());
	}

	/**
	 * Resolves the effective settings of a cache. Precedence, highest first:
	 * configuration for that cache, then the call site's own overrides (an
	 * annotation's attributes), then the defaults.
	 * @param cache the cache name
	 * @param callSite overrides of the call site, if any
	 * @throws InvalidSettingException if the layered settings cannot work
	 */
	public CacheSettings resolve(String cache, CacheSettings.@Nullable Overrides callSite) {
		return this.defaults.with(callSite).with(this.caches.get(cache));
	}

}
