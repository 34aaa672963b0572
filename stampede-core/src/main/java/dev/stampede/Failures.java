package dev.stampede;

import java.time.Duration;
import java.util.function.Supplier;

import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a call does when something other than its loader fails: the backend
 * ({@code on-backend-failure}), the wait for another caller ({@code on-wait-timeout}),
 * or storing a value. Each either returns, and the caller goes on without the cache,
 * or throws the exception the policy asks for. It also reports the loader failures that
 * no caller hears of: those a fail-safe value answered, and those of loads their callers
 * stopped waiting for. Warnings are rate-limited, so that a backend or a database that
 * is down does not flood the log.
 */
final class Failures {

	private static final Logger logger = LoggerFactory.getLogger(Stampede.class);

	private final StampedeBackend backend;

	private final Supplier<StampedeObserver> observer;

	private final WarningLimiter limiter;

	// Apart from the backend's: a database that is down must not hide that the backend is too.
	private final WarningLimiter loadLimiter = new WarningLimiter();

	Failures(StampedeBackend backend, Supplier<StampedeObserver> observer, WarningLimiter limiter) {
		this.backend = backend;
		this.observer = observer;
		this.limiter = limiter;
	}

	/**
	 * The backend failed while reading or leasing: returns when the caller is to go on
	 * without it ({@code call-through}).
	 * @throws StampedeBackendException when {@code on-backend-failure} is {@code fail}
	 */
	void readFailed(Resolution resolution, StampedeBackendException ex) {
		CacheStats stats = resolution.stats();
		stats.record(CacheEvent.BACKEND_ERROR);
		failFastIfAsked(resolution.site(), resolution.keyString(), "read", ex);
		backendFailed(resolution.site(), resolution.keyString(), "read", ex);
	}

	/**
	 * The wait for another caller's value ran out: returns when the caller is to call
	 * its loader directly.
	 * @throws StampedeTimeoutException when {@code on-wait-timeout} is {@code fail}
	 */
	void waitTimedOut(Resolution resolution, Duration waited) {
		resolution.stats().record(CacheEvent.WAIT_TIMEOUT);
		if (resolution.settings().onWaitTimeout() == FailurePolicy.FAIL) {
			throw new StampedeTimeoutException(resolution.cache(), resolution.keyString(), waited);
		}
		logger.debug("Waited {} ms for cache '{}' key '{}'; calling the loader directly", waited.toMillis(),
				resolution.cache(), resolution.keyString());
		resolution.stats().record(CacheEvent.CALL_THROUGH);
	}

	/**
	 * An eviction failed on the backend.
	 * @throws StampedeBackendException when {@code on-backend-failure} is {@code fail}
	 */
	void evictionFailed(CallSite site, String keyString, StampedeBackendException ex) {
		site.stats().record(CacheEvent.BACKEND_ERROR);
		failFastIfAsked(site, keyString, "evict", ex);
		backendFailed(site, keyString, "evict", ex);
	}

	/** The backend failed on an operation the call can do without: warned about, rate-limited. */
	void backendFailed(CallSite site, String keyString, String operation, StampedeBackendException ex) {
		this.observer.get().backendFailed(this.backend.name(), ex);
		if (this.limiter.mayWarn()) {
			logger.warn("Could not {} cache '{}' key '{}' on the {} backend, going on without it "
					+ "(further failures are logged at debug level for 10 s): {}", operation, site.cache(), keyString,
					this.backend.name(), ex.getMessage());
		}
		else {
			logger.debug("Could not {} cache '{}' key '{}' on the {} backend: {}", operation, site.cache(), keyString,
					this.backend.name(), ex.getMessage());
		}
	}

	/**
	 * The backend holds something this call site cannot use, or will not read; counted
	 * once per call with its reason, warned about once per key.
	 */
	void unreadable(Resolution resolution, Slot.Unreadable unreadable) {
		if (resolution.countUnreadable()) {
			resolution.stats().record(CacheEvent.UNREADABLE);
			resolution.stats().record(unreadable.reason());
		}
		warnOnce(resolution.backendKey(), "Cache '{}' key '{}' holds data that {} does not read ({}: {}); treating "
				+ "it as a miss", resolution.cache(), resolution.keyString(), resolution.site().origin(),
				unreadable.reason().tagValue(), unreadable.detail());
	}

	/** A loaded value could not be stored and is returned uncached. */
	void notStored(Resolution resolution, StampedeException ex) {
		resolution.stats().record(CacheEvent.NOT_STORED);
		warnOnce(resolution.backendKey(), "Returning the value of cache '{}' key '{}' from {} uncached: {}",
				resolution.cache(), resolution.keyString(), resolution.site().origin(), ex.getMessage());
	}

	/**
	 * The codec cannot encode a loaded value: it is returned uncached, as in
	 * development on the in-process backend, and the call site is warned about once,
	 * with the fix, instead of failing every caller in production.
	 */
	void notEncodable(Resolution resolution, StampedeSerializationException ex) {
		resolution.stats().record(CacheEvent.NOT_STORED);
		if (this.limiter.firstFor(resolution.site().origin())) {
			logger.warn("Returning the values of {} in cache '{}' uncached: {}. Return a type the codec can "
					+ "encode (with the default Java serialization, one that implements java.io.Serializable, as "
					+ "must its fields), or choose another codec", resolution.site().origin(), resolution.cache(),
					ex.getMessage());
		}
	}

	/** Storing a value failed in a way no backend should fail: the value is returned uncached. */
	void storeFailed(Resolution resolution, RuntimeException ex) {
		resolution.stats().record(CacheEvent.NOT_STORED);
		if (this.limiter.firstFor(resolution.backendKey())) {
			logger.warn("Could not store cache '{}' key '{}' from {}; returning the value uncached",
					resolution.cache(), resolution.keyString(), resolution.site().origin(), ex);
		}
	}

	/**
	 * A load failed and its callers got the key's last good value instead: the loader's
	 * exception is logged, not thrown, with its stack trace at most once per interval.
	 */
	void servedFallback(Resolution resolution, Throwable failure) {
		String message = "Loading cache '{}' key '{}' from {} failed; serving its last good value (fail-safe) and "
				+ "loading it again after fail-safe-throttle, {} ms";
		if (this.loadLimiter.mayWarn()) {
			logger.warn(message + " (further failures are logged at debug level for 10 s)", resolution.cache(),
					resolution.keyString(), resolution.site().origin(),
					resolution.settings().failSafeThrottle().toMillis(), failure);
		}
		else {
			logger.debug(message + ": {}", resolution.cache(), resolution.keyString(), resolution.site().origin(),
					resolution.settings().failSafeThrottle().toMillis(), failure.toString());
		}
	}

	/** A load that its callers stopped waiting for failed: nobody else hears of it. */
	void backgroundLoadFailed(Resolution resolution, Throwable failure) {
		String message = "The load of cache '{}' key '{}' from {}, which its callers stopped waiting for, failed";
		if (this.loadLimiter.mayWarn()) {
			logger.warn(message + " (further failures are logged at debug level for 10 s)", resolution.cache(),
					resolution.keyString(), resolution.site().origin(), failure);
		}
		else {
			logger.debug(message + ": {}", resolution.cache(), resolution.keyString(), resolution.site().origin(),
					failure.toString());
		}
	}

	/** Every loader thread is busy: the load runs on its caller's thread, without timeouts. */
	void loadersBusy(Resolution resolution, int loadThreads) {
		String message = "All {} loader threads are busy; loading cache '{}' key '{}' on the caller's thread, "
				+ "without soft-timeout and hard-timeout";
		if (this.loadLimiter.mayWarn()) {
			logger.warn(message + " (further ones are logged at debug level for 10 s)", loadThreads,
					resolution.cache(), resolution.keyString());
		}
		else {
			logger.debug(message, loadThreads, resolution.cache(), resolution.keyString());
		}
	}

	private void warnOnce(String backendKey, String message, Object... arguments) {
		if (this.limiter.firstFor(backendKey)) {
			logger.warn(message, arguments);
		}
	}

	private void failFastIfAsked(CallSite site, String keyString, String operation, StampedeBackendException ex) {
		if (site.settings().onBackendFailure() == FailurePolicy.FAIL) {
			this.observer.get().backendFailed(this.backend.name(), ex);
			throw new StampedeBackendException("Could not " + operation + " cache '" + site.cache() + "' key '"
					+ keyString + "' on the " + this.backend.name() + " backend: " + ex.getMessage()
					+ ". on-backend-failure is fail; set it to call-through to call the method while the backend is "
					+ "down", ex);
		}
	}

}
