package dev.stampede;

import java.util.function.Function;

import dev.stampede.backend.KeyEvent;
import dev.stampede.backend.KeyEventListener;
import org.jspecify.annotations.Nullable;

/**
 * Where the backend's events go up: a lease that ended wakes the key's waiter; an
 * eviction in another JVM drops the key from this JVM's local and degraded tiers (or, for a whole
 * cache, drops the tier and has the generation read again) and wakes its waiter.
 */
final class KeyEvents implements KeyEventListener {

	/** Key of an eviction event that evicted every entry of a cache. */
	static final String ALL_KEYS = "*";

	private final Waiters waiters;

	private final Function<String, @Nullable LocalTier> localTiers;

	private final Generations generations;

	private final DegradedTier degraded;

	KeyEvents(Waiters waiters, Function<String, @Nullable LocalTier> localTiers, Generations generations,
			DegradedTier degraded) {
		this.degraded = degraded;
		this.waiters = waiters;
		this.localTiers = localTiers;
		this.generations = generations;
	}

	@Override
	public void onKeyEvent(KeyEvent event, String cache, String backendKey) {
		if (event == KeyEvent.EVICTED) {
			LocalTier tier = this.localTiers.apply(cache);
			if (ALL_KEYS.equals(backendKey)) {
				this.degraded.evictAll(cache);
				this.generations.outdated(cache);
				if (tier != null) {
					tier.evictAll();
				}
				return;
			}
			if (tier != null) {
				tier.evict(backendKey);
			}
			this.degraded.evict(cache, backendKey);
		}
		this.waiters.wake(backendKey);
	}

}
