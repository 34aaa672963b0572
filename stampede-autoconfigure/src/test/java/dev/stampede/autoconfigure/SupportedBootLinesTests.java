package dev.stampede.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@ExtendWith(OutputCaptureExtension.class)
class SupportedBootLinesTests {

	@ParameterizedTest
	@ValueSource(strings = { "3.5.0", "3.5.7", "4.0.7", "4.1.2", "4.1.0-SNAPSHOT" })
	void theSupportedLinesStart(String version) {
		assertThatCode(() -> SupportedBootLines.check(version)).doesNotThrowAnyException();
	}

	@ParameterizedTest
	@ValueSource(strings = { "2.7.18", "3.0.0", "3.4.9", "5.0.0" })
	void otherLinesFailNamingTheSupportedOnesAndTheOneRunning(String version) {
		assertThatExceptionOfType(UnsupportedBootLineException.class).isThrownBy(() -> SupportedBootLines.check(version))
			.withMessageContaining("3.5, 4.0, 4.1")
			.withMessageContaining(version);
	}

	@Test
	void aNewerMinorLineStartsWithAWarning(CapturedOutput output) {
		assertThatCode(() -> SupportedBootLines.check("4.2.0")).doesNotThrowAnyException();
		assertThat(output).contains("Stampede is tested on Spring Boot [3.5, 4.0, 4.1]").contains("4.2.0");
	}

	@Test
	void aVersionBootCannotTellIsLetThrough() {
		assertThatCode(() -> SupportedBootLines.check(null)).doesNotThrowAnyException();
		assertThatCode(() -> SupportedBootLines.check("unknown")).doesNotThrowAnyException();
	}

	@Test
	void theLineThisRunsOnIsSupported() {
		assertThatCode(() -> SupportedBootLines.check(SpringBootVersion.getVersion())).doesNotThrowAnyException();
		assertThat(SupportedBootLines.SUPPORTED).anySatisfy((line) -> assertThat(SpringBootVersion.getVersion()).startsWith(line + "."));
	}

	@Test
	void anApplicationOnAnUnsupportedLineFailsToStartWithAnAnalysis(CapturedOutput output) {
		SpringApplication application = new SpringApplication(Empty.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.addInitializers(new SupportedBootLines("3.4.9"));
		assertThatExceptionOfType(UnsupportedBootLineException.class).isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Stampede runs on Spring Boot 3.5, 4.0, 4.1, but this application runs Spring Boot 3.4.9.")
			.contains("Upgrade the application to Spring Boot 3.5, 4.0, 4.1");
	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

}
