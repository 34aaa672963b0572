package dev.stampede.autoconfigure;


import dev.stampede.Stampede;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.codec.Jackson2JsonCodec;
import dev.stampede.codec.JsonCodec;
import dev.stampede.codec.RecordCodec;
import dev.stampede.codec.ValueCodec;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The codec and record format of shared backends, from {@code stampede.codec.*}.
 */
class CodecAutoConfigurationTests {

	private static final String KEY = "a secret of at least thirty-two bytes, for tests";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StampedeAutoConfiguration.class));

	@Test
	void javaFilteredToTheApplicationsPackagesIsTheDefault() {
		this.runner.withUserConfiguration(Application.class).run((context) -> {
			ValueCodec codec = context.getBean(ValueCodec.class);
			assertThat(codec).isInstanceOf(JdkSerializationCodec.class);
			assertThat(((JdkSerializationCodec) codec).allowedPackages()).containsExactly("dev.stampede.autoconfigure");
			assertThat(context.getBean(RecordCodec.class).toString()).contains("java/1").contains("unsigned");
		});
	}

	@Test
	void withoutAutoConfigurationPackagesOnlyTheDeclaredTypesAndTheJdksValuesAreRead() {
		this.runner.run((context) -> assertThat(((JdkSerializationCodec) context.getBean(ValueCodec.class))
			.allowedPackages()).isEmpty());
	}

	@Test
	void allowedPackagesReplaceTheApplicationsPackages() {
		this.runner.withUserConfiguration(Application.class)
			.withPropertyValues("stampede.codec.allowed-packages=com.example.model,org.example.shared")
			.run((context) -> assertThat(((JdkSerializationCodec) context.getBean(ValueCodec.class))
				.allowedPackages()).containsExactly("com.example.model", "org.example.shared"));
	}

	@Test
	void aPatternInPlaceOfAPackageNameFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("stampede.codec.allowed-packages=com.example.*")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.codec.allowed-packages")
				.hasStackTraceContaining("com.example.*"));
	}

	@Test
	void theJsonFormatSelectsTheJsonCodecOfTheApplicationsJackson() {
		this.runner.withPropertyValues("stampede.codec.format=json").run((context) -> {
			assertThat(context.getBean(ValueCodec.class).id()).isEqualTo(JsonCodec.ID);
			assertThat(context.getBean(RecordCodec.class).toString()).contains("json/1");
		});
	}

	@Test
	void theJsonFormatWithJackson2AloneUsesIt() {
		this.runner.withClassLoader(new FilteredClassLoader("tools.jackson"))
			.withPropertyValues("stampede.codec.format=json")
			.run((context) -> assertThat(context.getBean(ValueCodec.class)).isInstanceOf(Jackson2JsonCodec.class));
	}

	@Test
	void theJsonFormatWithoutJacksonSaysWhatToAdd() {
		this.runner.withClassLoader(new FilteredClassLoader("tools.jackson", "com.fasterxml.jackson.databind"))
			.withPropertyValues("stampede.codec.format=json")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.codec.format")
				.hasStackTraceContaining("spring-boot-starter-jackson")
				.hasStackTraceContaining("spring-boot-starter-json"));
	}

	@Test
	void anApplicationsOwnCodecWinsOverTheFormat() {
		this.runner.withUserConfiguration(OwnCodec.class)
			.withPropertyValues("stampede.codec.format=json")
			.run((context) -> {
				assertThat(context.getBean(ValueCodec.class)).isSameAs(OwnCodec.codec);
				assertThat(context).hasSingleBean(Stampede.class);
			});
	}

	@Test
	void aSigningKeySignsEveryValueAndIsShownNowhere() {
		this.runner.withPropertyValues("stampede.codec.signing-key=" + KEY, "stampede.codec.signing-key-id=2026-11")
			.run((context) -> {
				String records = context.getBean(RecordCodec.class).toString();
				assertThat(records).contains("'2026-11'").doesNotContain(KEY);
				assertThat(context.getBean(Stampede.class).inspection().backend().toString()).doesNotContain(KEY);
			});
	}

	@Test
	void aSigningKeyTooShortFailsStartUpWithoutShowingTheKey() {
		this.runner.withPropertyValues("stampede.codec.signing-key=too short a secret")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.codec.signing-key")
				.hasStackTraceContaining("32")
				.satisfies((failure) -> assertThat(stackTrace(failure)).doesNotContain("too short a secret")));
	}

	@Test
	void compressAboveCompressesLargerValues() {
		this.runner.withPropertyValues("stampede.codec.compress-above=64KB")
			.run((context) -> assertThat(context.getBean(RecordCodec.class).toString())
				.contains("compressed above 65536 bytes"));
	}

	@Test
	void aNegativeCompressAboveFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("stampede.codec.compress-above=-1B")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("stampede.codec.compress-above"));
	}

	private static String stackTrace(Throwable failure) {
		java.io.StringWriter text = new java.io.StringWriter();
		failure.printStackTrace(new java.io.PrintWriter(text));
		return text.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage
	static class Application {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCodec {

		static final ValueCodec codec = new JdkSerializationCodec(null);

		@Bean
		ValueCodec ownCodec() {
			return codec;
		}

	}

}
