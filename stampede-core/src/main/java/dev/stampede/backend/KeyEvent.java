package dev.stampede.backend;

/**
 * What happened to a key, as backends that can notify tell every engine.
 */
public enum KeyEvent {

	/** The key's lease ended: a value was written, or the holder gave the lease up. */
	LEASE_ENDED,

	/** The key was evicted. */
	EVICTED

}
