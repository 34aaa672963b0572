package dev.stampede.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import dev.stampede.test.Stampedes;
import dev.stampede.test.Stampedes.Outcome;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "sample.query-time=200ms")
class SampleApplicationTests {

	@Value("${local.server.port}")
	int port;

	@Autowired
	ProductRepository repository;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void thirtyTwoConcurrentRequestsForAColdProductRunOneQuery() {
		long before = this.repository.queries();
		List<Outcome> outcomes = Stampedes.run(32, () -> get("/products/7"));
		assertThat(this.repository.queries() - before).isEqualTo(1);
		assertThat(outcomes).extracting(Outcome::value)
			.allSatisfy((body) -> assertThat((String) body).contains("\"id\":7").contains("\"name\":\"Product 7\""));
	}

	@Test
	void actuatorShowsTheStampedeAfterwards() throws Exception {
		Stampedes.run(32, () -> get("/products/9"));
		assertThat(get("/actuator/stampede")).contains("\"backend\":\"local\"").contains("\"products\"");
		assertThat(get("/actuator/stampede/products")).contains("\"lease-won\":").contains("\"inFlight\":[]");
		assertThat(get("/actuator/metrics/stampede.calls?tag=cache:products&tag=outcome:lease-won"))
			.contains("\"name\":\"stampede.calls\"");
		assertThat(get("/actuator/prometheus")).contains("stampede_calls_total{cache=\"products\",outcome=\"joined\"");
		assertThat(get("/actuator/health")).contains("\"stampede\":{\"details\":{\"backend\":\"local\"");
	}

	@Test
	void anUpdateEvictsTheProductSoTheNextReadSeesIt() throws Exception {
		get("/products/8");
		HttpRequest put = HttpRequest.newBuilder(uri("/products/8"))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"id\":8,\"name\":\"Renamed\",\"price\":12.5}"))
			.build();
		assertThat(this.http.send(put, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
		assertThat(get("/products/8")).contains("\"name\":\"Renamed\"");
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
