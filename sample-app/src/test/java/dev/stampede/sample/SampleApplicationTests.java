package dev.stampede.sample;

import dev.stampede.test.Stampedes;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTests extends AbstractSampleTests {

	@Test
	void actuatorShowsTheStampedeAfterwards() throws Exception {
		Stampedes.run(32, () -> get("/products/9"));
		assertThat(get("/actuator/stampede")).contains("\"backend\":\"local\"").contains("\"products\"");
		assertThat(get("/actuator/stampede/products")).contains("\"loaded\":").contains("\"inFlight\":[]");
		assertThat(get("/actuator/metrics/stampede.calls?tag=cache:products&tag=outcome:loaded"))
			.contains("\"name\":\"stampede.calls\"");
		assertThat(get("/actuator/prometheus")).contains("stampede_events_total{cache=\"products\",event=\"joined\"");
		assertThat(get("/actuator/health")).contains("\"stampede\":{\"details\":{\"backend\":\"local\"");
	}

}
