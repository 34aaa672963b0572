package dev.stampede.autoconfigure;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stops an application on a Spring Boot line Stampede does not support before
 * anything of Stampede's is created, so that it fails with a message naming the
 * supported lines rather than with a missing class later on. A line newer than
 * the newest tested one is allowed, with a warning.
 */
class SupportedBootLines implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	/** The Boot lines Stampede is built and tested on, oldest first. */
	static final List<String> SUPPORTED = List.of("3.5", "4.0", "4.1");

	private static final Pattern LINE = Pattern.compile("^(\\d+)\\.(\\d+)");

	private static final Logger logger = LoggerFactory.getLogger(SupportedBootLines.class);

	private final @Nullable String version;

	SupportedBootLines() {
		this(SpringBootVersion.getVersion());
	}

	SupportedBootLines(@Nullable String version) {
		this.version = version;
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		check(this.version);
	}

	/**
	 * Checks one Boot version.
	 * @param version the version of Spring Boot, or {@code null} where Boot cannot tell
	 * @throws UnsupportedBootLineException if Stampede does not run on its line
	 */
	static void check(@Nullable String version) {
		Matcher line = (version != null) ? LINE.matcher(version) : null;
		if (line == null || !line.find()) {
			return;
		}
		int major = Integer.parseInt(line.group(1));
		int minor = Integer.parseInt(line.group(2));
		boolean older = major < 3 || (major == 3 && minor < 5);
		boolean newerMajor = major > 4;
		if (older || newerMajor) {
			throw new UnsupportedBootLineException(version, SUPPORTED);
		}
		if (major == 4 && minor > 1) {
			logger.warn("Stampede is tested on Spring Boot {}; this application runs {}, a newer line", SUPPORTED,
					version);
		}
	}

}
