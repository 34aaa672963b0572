package dev.stampede.benchmarks.harness;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PhaseKindTests {

	@Test
	void namesInAnyCaseAndOrderPickPhasesAndNoneMeansEvery() {
		assertThat(PhaseKind.parse(" Kill, pause ")).containsExactly(PhaseKind.PAUSE, PhaseKind.KILL);
		assertThat(PhaseKind.parse("")).isEqualTo(EnumSet.allOf(PhaseKind.class));
	}

	@Test
	void anUnknownNameIsNamedWithTheChoices() {
		assertThatIllegalArgumentException().isThrownBy(() -> PhaseKind.parse("hot,stop"))
			.withMessageContaining("'stop'")
			.withMessageContaining("[cold, hit, hot, pause, kill]");
	}

}
