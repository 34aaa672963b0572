package dev.stampede;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.util.backoff.BackOffExecution;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

	@Test
	void withoutJitterPausesDoubleUpToTheMaximum() {
		BackOffExecution pauses = new Backoff(Duration.ofMillis(5), Duration.ofMillis(50), 2.0, 0).start();
		List<Long> sequence = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			sequence.add(pauses.nextBackOff());
		}
		assertThat(sequence).containsExactly(5L, 10L, 20L, 40L, 50L, 50L);
	}

	@Test
	void jitterSpreadsPausesWithinTheBounds() {
		Set<Long> thirdPauses = new HashSet<>();
		for (int run = 0; run < 200; run++) {
			BackOffExecution pauses = new Backoff(Duration.ofMillis(10), Duration.ofMillis(200), 2.0, 0.5).start();
			for (int i = 0; i < 10; i++) {
				long pause = pauses.nextBackOff();
				assertThat(pause).isBetween(10L, 200L);
				if (i == 2) {
					thirdPauses.add(pause);
				}
			}
		}
		assertThat(thirdPauses).hasSizeGreaterThan(5).allSatisfy((pause) -> assertThat(pause).isBetween(20L, 60L));
	}

}
