package dev.stampede.observation;

import io.micrometer.observation.Observation;

/**
 * What a Stampede observation knows of the load or wait it observes.
 */
public abstract sealed class StampedeObservationContext extends Observation.Context
		permits LoadObservationContext, WaitObservationContext {

	private final String cache;

	private final String key;

	private volatile boolean ended;

	StampedeObservationContext(String cache, String key) {
		this.cache = cache;
		this.key = key;
	}

	/** The cache. */
	public String getCache() {
		return this.cache;
	}

	/** The key, in the string form Stampede stores it under. */
	public String getKey() {
		return this.key;
	}

	/** Whether the load or wait has ended: how it went is known from then on. */
	public boolean isEnded() {
		return this.ended;
	}

	void end() {
		this.ended = true;
	}

}
