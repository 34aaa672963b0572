package dev.stampede.autoconfigure;

import java.util.List;

/**
 * Thrown at start-up when the application runs a Spring Boot line that Stampede does
 * not support.
 */
class UnsupportedBootLineException extends IllegalStateException {

	private final String version;

	private final List<String> supported;

	UnsupportedBootLineException(String version, List<String> supported) {
		super("Stampede supports Spring Boot " + String.join(", ", supported) + "; this application runs Spring Boot "
				+ version);
		this.version = version;
		this.supported = supported;
	}

	String version() {
		return this.version;
	}

	List<String> supported() {
		return this.supported;
	}

}
