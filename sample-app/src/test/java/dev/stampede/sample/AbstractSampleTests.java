package dev.stampede.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import dev.stampede.test.Stampedes;
import dev.stampede.test.Stampedes.CallResult;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application through its real HTTP stack and database, on the backend a
 * subclass selects. Query counts come from the database's own statistics.
 */
abstract class AbstractSampleTests {

	@Value("${local.server.port}")
	int port;

	@Autowired
	ProductRepository repository;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void thirtyTwoConcurrentRequestsForAColdProductRunOneQuery() {
		long before = this.repository.queries();
		List<CallResult> outcomes = Stampedes.run(32, () -> get("/products/7"));
		assertThat(this.repository.queries() - before).isEqualTo(1);
		assertThat(outcomes).extracting(CallResult::value)
			.allSatisfy((body) -> assertThat((String) body).contains("\"id\":7").contains("\"name\":\"Product 7\""));
	}

	@Test
	void theDemoRunsOneQueryProtectedAndOneQueryPerCallerUnprotected() throws Exception {
		String protectedRun = post("/demo/stampede?callers=40&protected=true");
		assertThat(JsonPath.<Integer>read(protectedRun, "$.queries")).isEqualTo(1);
		assertThat(JsonPath.<Integer>read(protectedRun, "$.callers")).isEqualTo(40);
		String unprotectedRun = post("/demo/stampede?callers=12&protected=false");
		assertThat(JsonPath.<Integer>read(unprotectedRun, "$.queries")).isGreaterThan(1);
	}

	@Test
	void theDemoRunsOneQueryThroughCacheableOnStampede() throws Exception {
		String cacheableRun = post("/demo/stampede?callers=40&variant=cacheable");
		assertThat(JsonPath.<Integer>read(cacheableRun, "$.queries")).isEqualTo(1);
		assertThat(JsonPath.<String>read(cacheableRun, "$.variant")).isEqualTo("cacheable");
	}

	@Test
	void thirtyTwoConcurrentRequestsThroughCacheableRunOneQuery() {
		long before = this.repository.queries();
		List<CallResult> outcomes = Stampedes.run(32, () -> get("/products/6/cacheable"));
		assertThat(this.repository.queries() - before).isEqualTo(1);
		assertThat(outcomes).extracting(CallResult::value)
			.allSatisfy((body) -> assertThat((String) body).contains("\"id\":6"));
	}

	@Test
	void thirtyTwoConcurrentRequestsThroughAMonoRunOneQuery() {
		assertOneQueryFor("/products/5/mono", 5);
	}

	@Test
	void thirtyTwoConcurrentRequestsThroughAKotlinSuspendingFunctionRunOneQuery() {
		assertOneQueryFor("/products/4/suspend", 4);
	}

	@Test
	void anUnknownProductIsNotFoundThroughEveryLookup() throws Exception {
		for (String path : List.of("/products/20000", "/products/20001/mono", "/products/20002/suspend")) {
			HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(path).isEqualTo(404);
		}
	}

	private void assertOneQueryFor(String path, long id) {
		long before = this.repository.queries();
		List<CallResult> outcomes = Stampedes.run(32, () -> get(path));
		assertThat(this.repository.queries() - before).isEqualTo(1);
		assertThat(outcomes).extracting(CallResult::value)
			.allSatisfy((body) -> assertThat((String) body).contains("\"id\":" + id)
				.contains("\"name\":\"Product " + id + "\""));
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

	String get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	private String post(String path) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
