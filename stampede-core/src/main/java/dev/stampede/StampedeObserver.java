package dev.stampede;

import org.jspecify.annotations.Nullable;

/**
 * Told what the engine does that counters cannot say: the loads and waits of protected
 * calls, from their start to their end, and how the backend failed. A hit is neither:
 * no call that a cached value answers reaches {@link #loadStarted} or
 * {@link #waitStarted}. Called on the engine's working threads: keep it quick. The
 * engine depends on no metrics or tracing library; an observer adapts it to one.
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
	 * A loader is about to run: the lease winner's, a refresh's, or one called through
	 * after a backend failure or a wait that ran out. Called on the thread that calls the
	 * loader (that starts it, for an asynchronous one).
	 * @param cache the cache
	 * @param key the key, in its string form
	 * @param parent what {@link #captureContext} returned on the caller's thread, when the
	 * load runs on an engine thread: for an asynchronous caller, or for a blocking one whose
	 * cache has {@code soft-timeout} or {@code hard-timeout}; {@code null} on the caller's own thread
	 * @return what to tell as the load goes on and ends
	 */
	default Activity loadStarted(String cache, String key, @Nullable Object parent) {
		return Activity.NONE;
	}

	/**
	 * A caller lost the key's lease to another and starts waiting for its value.
	 * @param cache the cache
	 * @param key the key, in its string form
	 * @param parent as for {@link #loadStarted}
	 * @return what to tell as the wait goes on and ends
	 */
	default Activity waitStarted(String cache, String key, @Nullable Object parent) {
		return Activity.NONE;
	}

	/**
	 * The context of the calling thread, such as the trace it is part of, for the loads
	 * and waits of an asynchronous call that run on the engine's threads, and for a
	 * blocking call's load that runs on a loader thread. Called on the caller's thread
	 * when an asynchronous call goes to the backend (a value in this JVM's local tier
	 * answers before it), or before such a load starts.
	 * @return what {@link #loadStarted} and {@link #waitStarted} get back as their parent
	 */
	default @Nullable Object captureContext() {
		return null;
	}

	/**
	 * The backend failed.
	 * @param backend the backend's name
	 * @param error what it failed with
	 */
	default void backendFailed(String backend, StampedeBackendException error) {
	}

	/**
	 * A load or a wait under way. The engine ends each one exactly once, on every path,
	 * with {@link #stop}.
	 */
	interface Activity {

		/** Follows nothing. */
		Activity NONE = new Activity() {
		};

		/**
		 * Makes this load the current one on the calling thread until the scope closes: the
		 * engine opens it around the loader, so that what the loader observes is part of it.
		 */
		default Scope open() {
			return Scope.NONE;
		}

		/**
		 * The lease a wait waited for was held by {@code holder}, as the lease names it;
		 * told before {@link #stop} when the last lease read named one.
		 */
		default void heldBy(String holder) {
		}

		/**
		 * How the call that waited went on, as {@code stampede.calls} counts it: with the
		 * holder's value ({@link Outcome#WAITED}), by taking the lease over
		 * ({@link Outcome#LOADED}), by calling the loader uncached
		 * ({@link Outcome#CALL_THROUGH}), or by throwing ({@link Outcome#ERROR}). Told
		 * before {@link #stop}, for waits only.
		 */
		default void outcome(Outcome outcome) {
		}

		/** The load threw {@code error}, or the wait ended with it; told before {@link #stop}. */
		default void error(Throwable error) {
		}

		/** The load or the wait ended. */
		default void stop() {
		}

	}

	/** Where an {@link Activity} is current on a thread; closed on the thread that opened it. */
	interface Scope extends AutoCloseable {

		/** A scope that changes nothing. */
		Scope NONE = () -> {
		};

		@Override
		void close();

	}

}
