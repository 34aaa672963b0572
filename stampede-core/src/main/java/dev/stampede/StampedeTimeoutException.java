package dev.stampede;

import java.time.Duration;

/**
 * Raised when a caller waited {@code max-wait} for another caller's value and
 * {@code on-wait-timeout} is {@code fail}, or waited {@code hard-timeout} for a load
 * and there was no older value to serve instead.
 */
public class StampedeTimeoutException extends StampedeException {

	private final String cache;

	private final String key;

	private final Duration waited;

	public StampedeTimeoutException(String cache, String key, Duration waited) {
		this("Gave up waiting for the value of cache '" + cache + "' key '" + key + "' after " + waited.toMillis()
				+ " ms (max-wait); another caller holds the lease and has not written a value yet. Raise "
				+ "stampede.caches." + cache + ".max-wait, or set on-wait-timeout to call-through", cache, key, waited);
	}

	private StampedeTimeoutException(String message, String cache, String key, Duration waited) {
		super(message);
		this.cache = cache;
		this.key = key;
		this.waited = waited;
	}

	/** The load of a key ran past {@code hard-timeout} and no older value could be served. */
	static StampedeTimeoutException ofLoad(String cache, String key, Duration waited) {
		return new StampedeTimeoutException("Gave up waiting for the load of cache '" + cache + "' key '" + key
				+ "' after " + waited.toMillis() + " ms (hard-timeout), with no older value to serve instead; the load "
				+ "goes on in the background and stores its value if it ends within lease-ttl. Raise stampede.caches."
				+ cache + ".hard-timeout, or set fail-safe-ttl so that the last good value is served", cache, key,
				waited);
	}

	/** Name of the cache the caller read. */
	public String getCache() {
		return this.cache;
	}

	/** Key the caller waited for, in its string form. */
	public String getKey() {
		return this.key;
	}

	/** How long the caller waited before giving up. */
	public Duration getWaited() {
		return this.waited;
	}

}
