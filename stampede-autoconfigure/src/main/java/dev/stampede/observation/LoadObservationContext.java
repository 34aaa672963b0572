package dev.stampede.observation;

/**
 * The context of a {@code stampede.load} observation: a protected method that runs to
 * load a value, as the lease winner, a refresh, or a call through. It failed when the
 * context has an error.
 */
public final class LoadObservationContext extends StampedeObservationContext {

	/**
	 * A load of {@code key} in {@code cache}.
	 * @param cache the cache
	 * @param key the key, in the string form Stampede stores it under
	 */
	public LoadObservationContext(String cache, String key) {
		super(cache, key);
	}

}
