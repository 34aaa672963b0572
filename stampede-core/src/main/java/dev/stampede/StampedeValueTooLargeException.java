package dev.stampede;

/**
 * Raised by a backend when a value is larger than it can store. The caller still gets
 * the value; it is only not cached.
 */
public class StampedeValueTooLargeException extends StampedeException {

	public StampedeValueTooLargeException(String message) {
		super(message);
	}

}
