package dev.stampede;

import dev.stampede.backend.StampedeBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evicting a key or a whole cache, so that the eviction wins over everything that
 * started before it: this JVM's local and degraded tiers forget the key before and again after the
 * backend does (a read the backend answered just before is not kept), a flight under
 * way is detached so later calls do not join it, and the other JVMs are told.
 */
final class Evictions {

	private static final Logger logger = LoggerFactory.getLogger(Stampede.class);

	private final StampedeBackend backend;

	private final CacheKeys keys;

	private final Generations generations;

	private final Flights flights;

	private final Failures failures;

	private final DegradedTier degraded;

	Evictions(StampedeBackend backend, CacheKeys keys, Generations generations, Flights flights, Failures failures,
			DegradedTier degraded) {
		this.degraded = degraded;
		this.backend = backend;
		this.keys = keys;
		this.generations = generations;
		this.flights = flights;
		this.failures = failures;
	}

	void evict(CallSite site, Object key) {
		String keyString = CacheKeys.stringForm(key);
		String backendKey = this.keys.backendKey(this.generations.prefix(site.cache()), keyString);
		LocalTier tier = site.localTier();
		if (tier != null) {
			tier.evict(backendKey);
		}
		this.degraded.evict(site.cache(), backendKey);
		this.flights.detach(backendKey);
		try {
			this.backend.evict(backendKey);
			publish(site.cache(), keyString, backendKey);
		}
		catch (StampedeBackendException ex) {
			this.degraded.evictionFailed(backendKey);
			this.failures.evictionFailed(site, keyString, ex);
		}
		finally {
			// Again once the backend forgot the key, for readers it answered just before.
			if (tier != null) {
				tier.evict(backendKey);
			}
			this.degraded.evict(site.cache(), backendKey);
		}
	}

	void evictAll(CallSite site) {
		LocalTier tier = site.localTier();
		if (tier != null) {
			tier.evictAll();
		}
		this.degraded.evictAll(site.cache());
		try {
			this.generations.advance(site.cache());
			publish(site.cache(), KeyEvents.ALL_KEYS, KeyEvents.ALL_KEYS);
		}
		catch (StampedeBackendException ex) {
			this.failures.evictionFailed(site, KeyEvents.ALL_KEYS, ex);
		}
		finally {
			if (tier != null) {
				tier.evictAll();
			}
			this.degraded.evictAll(site.cache());
		}
	}

	private void publish(String cache, String keyString, String backendKey) {
		try {
			this.backend.publishEviction(cache, backendKey);
		}
		catch (StampedeBackendException ex) {
			// Other JVMs' local tiers expire all the same; the event only makes them quicker.
			logger.debug("Could not publish the eviction of cache '{}' key '{}': {}", cache, keyString,
					ex.getMessage());
		}
	}

}
