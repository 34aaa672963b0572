package dev.stampede.observation;

import dev.stampede.Outcome;
import org.jspecify.annotations.Nullable;

/**
 * The context of a {@code stampede.wait} observation: a caller that lost a key's lease
 * waits for the holder's value.
 */
public final class WaitObservationContext extends StampedeObservationContext {

	private volatile @Nullable String holder;

	private volatile @Nullable Outcome outcome;

	/**
	 * A wait for {@code key} in {@code cache}.
	 * @param cache the cache
	 * @param key the key, in the string form Stampede stores it under
	 */
	public WaitObservationContext(String cache, String key) {
		super(cache, key);
	}

	/**
	 * The instance that held the lease waited for, as its lease named it
	 * ({@code stampede.instance-id}); {@code null} when the lease named none (an in-process
	 * backend, an engine of an earlier version) or none was read.
	 */
	public @Nullable String getHolder() {
		return this.holder;
	}

	void setHolder(String holder) {
		this.holder = holder;
	}

	/**
	 * How the call went on once the wait ended, as {@code stampede.calls} counts it:
	 * {@link Outcome#WAITED} with the holder's value, {@link Outcome#LOADED} by taking the
	 * lease over, {@link Outcome#CALL_THROUGH} by calling the method uncached, or
	 * {@link Outcome#ERROR}; {@code null} while it waits.
	 */
	public @Nullable Outcome getOutcome() {
		return this.outcome;
	}

	void setOutcome(Outcome outcome) {
		this.outcome = outcome;
	}

}
