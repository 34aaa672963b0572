package dev.stampede;

import java.time.Duration;

/**
 * Raised when a caller waited {@code max-wait} for another caller's value and
 * {@code on-wait-timeout} is {@code fail}.
 */
public class StampedeTimeoutException extends StampedeException {

	private final String cache;

	private final String key;

	private final Duration waited;

	public StampedeTimeoutException(String cache, String key, Duration waited) {
		super("Gave up waiting for the value of cache '" + cache + "' key '" + key + "' after " + waited.toMillis()
				+ " ms (max-wait); another caller holds the lease and has not written a value yet. Raise "
				+ "stampede.caches." + cache + ".max-wait, or set on-wait-timeout to call-through");
		this.cache = cache;
		this.key = key;
		this.waited = waited;
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
