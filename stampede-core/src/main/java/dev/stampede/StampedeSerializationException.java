package dev.stampede;

import org.jspecify.annotations.Nullable;

/**
 * Raised when a value cannot be encoded for a shared backend, typically because its
 * type is not {@link java.io.Serializable} under the default codec.
 */
public class StampedeSerializationException extends StampedeException {

	public StampedeSerializationException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
