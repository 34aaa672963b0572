package dev.stampede;

import org.jspecify.annotations.Nullable;

/**
 * Raised when the backend cannot be reached or answers with an error: a timeout, a
 * refused connection, a server error.
 */
public class StampedeBackendException extends StampedeException {

	public StampedeBackendException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
