package dev.stampede.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.format.datetime.standard.DurationFormatterUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Annotation attributes are durations parsed by Spring Framework, so that the
 * annotations need no Boot; configuration keys are parsed by Boot. Both must read
 * every form a user writes in the same way.
 */
class DurationFormsTests {

	@Test
	void annotationsAndConfigurationKeysReadEveryDurationAlike() {
		List<String> forms = List.of("30s", "5m", "PT1M", "500ms", "750", "2h", "1d", "10us", "100ns", "0", "0s",
				"-1s", "+5m", "30S", "PT0.5S", "-PT1M", "pt10s");
		for (String form : forms) {
			assertThat(DurationFormatterUtils.detectAndParse(form)).as(form)
				.isEqualTo(DurationStyle.detectAndParse(form));
		}
	}

	@Test
	void neitherReadsWordsOrSpaces() {
		for (String form : List.of("30 seconds", "five minutes", "30 s", "1.5s")) {
			assertThatIllegalArgumentException().as(form).isThrownBy(() -> DurationFormatterUtils.detectAndParse(form));
			assertThatIllegalArgumentException().as(form).isThrownBy(() -> DurationStyle.detectAndParse(form));
		}
	}

}
