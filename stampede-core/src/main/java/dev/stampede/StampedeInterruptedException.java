package dev.stampede;

import org.jspecify.annotations.Nullable;

/**
 * Raised to a caller whose own thread was interrupted while Stampede waited or talked
 * to the backend. The thread's interrupt flag stays set. It is never a backend
 * failure: it neither opens the circuit breaker nor fails other callers of the key.
 */
public class StampedeInterruptedException extends StampedeException {

	public StampedeInterruptedException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
