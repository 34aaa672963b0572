package dev.stampede;

import org.jspecify.annotations.Nullable;

/**
 * Base class of the exceptions Stampede itself raises. Exceptions thrown by a loader
 * are never wrapped in it: they reach the caller unchanged.
 */
public class StampedeException extends RuntimeException {

	public StampedeException(String message) {
		super(message);
	}

	public StampedeException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
