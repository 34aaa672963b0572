package dev.stampede;

/**
 * Told what the engine does that counters cannot say: how long loads and waits took,
 * and how the backend failed. Called on the calling thread: keep it quick.
 */
public interface StampedeObserver {

	/** Observes nothing. */
	StampedeObserver NONE = new StampedeObserver() {
	};

	/**
	 * The engine started counting a cache: its first call, or its first mention in
	 * configuration.
	 * @param cache the cache
	 * @param stats its counters
	 */
	default void cacheAdded(String cache, CacheStats stats) {
	}

	/**
	 * A loader ran.
	 * @param cache the cache
	 * @param nanos how long it took
	 * @param success whether it returned rather than threw
	 */
	default void loaded(String cache, long nanos, boolean success) {
	}

	/**
	 * A caller that lost the lease stopped waiting, with a value or not.
	 * @param cache the cache
	 * @param nanos how long it waited
	 */
	default void waited(String cache, long nanos) {
	}

	/**
	 * The backend failed.
	 * @param backend the backend's name
	 * @param error what it failed with
	 */
	default void backendFailed(String backend, StampedeBackendException error) {
	}

}
