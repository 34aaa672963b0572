package dev.stampede.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import dev.stampede.test.Stampedes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator sees through Actuator after a stampede: the endpoint, the meters in
 * the metrics and Prometheus endpoints, and the health indicator.
 */
@SpringBootTest(classes = AbstractAnnotationTests.CatalogApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "stampede.backend=local", "stampede.defaults.ttl=1h", "stampede.caches.products.ttl=10m",
				"management.endpoints.web.exposure.include=health,metrics,prometheus,stampede",
				"management.endpoint.stampede.access=unrestricted", "management.endpoint.health.show-details=always",
				"management.health.redis.enabled=false",
				// Boot 3's test support switches metric export off unless asked for
				"management.prometheus.metrics.export.enabled=true" })
class StampedeActuatorTests {

	private static long nextId = 5000;

	@Value("${local.server.port}")
	int port;

	@Autowired
	Catalog catalog;

	private final HttpClient http = HttpClient.newHttpClient();

	private long id;

	@BeforeEach
	void stampede() {
		this.id = nextId++;
		Stampedes.run(16, () -> this.catalog.product(this.id));
	}

	@Test
	void theEndpointShowsEachCallSitesSettingsWithTheirSourceAndTheCounters() throws Exception {
		String json = get("/actuator/stampede", 200);
		assertThat(JsonPath.<String>read(json, "$.backend")).isEqualTo("local");
		assertThat(JsonPath.<String>read(json, "$.connection")).startsWith("local, in this JVM");
		String site = "$.caches.products.callSites['Catalog.product(long)']";
		assertThat(JsonPath.<String>read(json, site + ".settings.ttl")).isEqualTo("10m");
		assertThat(JsonPath.<String>read(json, site + ".from.ttl")).isEqualTo("stampede.caches.products");
		assertThat(JsonPath.<String>read(json, site + ".settings.leaseTtl")).isEqualTo("10s");
		assertThat(JsonPath.<Map<String, String>>read(json, site + ".from")).doesNotContainKey("lease-ttl");
		assertThat(JsonPath.<Integer>read(json, "$.caches.products.calls.loaded")).isPositive();
		assertThat(JsonPath.<Integer>read(json, "$.caches.products.events.lease-won")).isPositive();
		assertThat(JsonPath.<Integer>read(json, "$.caches.products.events.joined")).isPositive();
	}

	@Test
	void callsOfACachedKeyAllCountAsHitsAndTheOutcomesAddUpToTheCalls() throws Exception {
		Map<String, Integer> before = JsonPath.read(get("/actuator/stampede/products", 200), "$.calls");
		Stampedes.run(50, () -> this.catalog.product(this.id));
		Map<String, Integer> after = JsonPath.read(get("/actuator/stampede/products", 200), "$.calls");
		assertThat(after.get("hit") - before.get("hit")).isEqualTo(50);
		int calls = after.values().stream().mapToInt(Integer::intValue).sum()
				- before.values().stream().mapToInt(Integer::intValue).sum();
		assertThat(calls).isEqualTo(50);
	}

	@Test
	void oneCacheShowsTheLeasesHeldAndTheKeysInFlight() throws Exception {
		String json = get("/actuator/stampede/products", 200);
		assertThat(JsonPath.<Integer>read(json, "$.leasesHeld")).isZero();
		assertThat(JsonPath.<List<String>>read(json, "$.heldLeases")).isEmpty();
		assertThat(JsonPath.<List<String>>read(json, "$.inFlight")).isEmpty();
		get("/actuator/stampede/no-such-cache", 404);
	}

	@Test
	void theDeleteOperationEvictsAKey() throws Exception {
		int before = this.catalog.calls("product");
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(uri("/actuator/stampede/products/" + this.id)).DELETE().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(204);
		this.catalog.product(this.id);
		assertThat(this.catalog.calls("product") - before).isEqualTo(1);
	}

	@Test
	void callsAreCountedByCacheAndOutcomeInTheMetricsEndpoint() throws Exception {
		String json = get("/actuator/metrics/stampede.calls?tag=cache:products&tag=outcome:loaded", 200);
		assertThat(JsonPath.<Double>read(json, "$.measurements[0].value")).isGreaterThanOrEqualTo(1.0);
		String load = get("/actuator/metrics/stampede.load?tag=cache:products&tag=outcome:success&tag=error:none", 200);
		assertThat(JsonPath.<List<Double>>read(load, "$.measurements[?(@.statistic=='COUNT')].value"))
			.allSatisfy((count) -> assertThat(count).isGreaterThanOrEqualTo(1.0));
	}

	@Test
	void prometheusShowsTheMetersUnderTheirConventionalNames() throws Exception {
		String body = get("/actuator/prometheus", 200);
		assertThat(body).contains("stampede_calls_total{cache=\"products\",outcome=\"loaded\"")
			.contains("stampede_events_total{cache=\"products\",event=\"lease-won\"")
			.contains("stampede_load_seconds_count{cache=\"products\",error=\"none\",outcome=\"success\"")
			.contains("stampede_leases_held{cache=\"products\"");
	}

	@Test
	void healthShowsTheBackendAndItsRoundTrip() throws Exception {
		String json = get("/actuator/health", 200);
		assertThat(JsonPath.<String>read(json, "$.components.stampede.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(json, "$.components.stampede.details.backend")).isEqualTo("local");
		assertThat(JsonPath.<Double>read(json, "$.components.stampede.details.roundTripMillis")).isNotNegative();
	}

	private String get(String path, int status) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
		return response.body();
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
