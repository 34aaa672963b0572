package dev.stampede.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up on a Spring Boot line Stampede does not support, and what to
 * change.
 */
class UnsupportedBootLineFailureAnalyzer extends AbstractFailureAnalyzer<UnsupportedBootLineException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedBootLineException cause) {
		String supported = String.join(", ", cause.supported());
		return new FailureAnalysis(
				"Stampede runs on Spring Boot " + supported + ", but this application runs Spring Boot "
						+ cause.version() + ".",
				"Upgrade the application to Spring Boot " + supported + " (the same stampede-spring-boot-starter "
						+ "serves all of them), or remove stampede-spring-boot-starter.",
				cause);
	}

}
