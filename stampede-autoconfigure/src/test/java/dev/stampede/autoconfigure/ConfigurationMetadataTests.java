package dev.stampede.autoconfigure;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every configuration key completes in an IDE with a description.
 */
class ConfigurationMetadataTests {

	private static final List<String> DOCUMENTED_KEYS = List.of("stampede.enabled", "stampede.backend",
			"stampede.key-prefix", "stampede.memcached.servers", "stampede.memcached.op-timeout",
			"stampede.memcached.connect-timeout", "stampede.local.maximum-size", "stampede.defaults.ttl",
			"stampede.defaults.stale-ttl", "stampede.defaults.lease-ttl", "stampede.defaults.max-wait",
			"stampede.defaults.backoff.initial", "stampede.defaults.backoff.max",
			"stampede.defaults.backoff.multiplier", "stampede.defaults.backoff.jitter",
			"stampede.defaults.cache-nulls", "stampede.defaults.on-backend-failure",
			"stampede.defaults.on-wait-timeout", "stampede.defaults.refresh", "stampede.defaults.early-refresh-beta",
			"stampede.defaults.local-ttl", "stampede.defaults.local-max-size", "stampede.caches",
			"stampede.refresh.threads", "stampede.refresh.queue-capacity", "stampede.health.down-when-backend-down");

	@Test
	void everyKeyHasADescription() throws Exception {
		String json;
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(metadata).as("generated configuration metadata").isNotNull();
			json = new String(metadata.readAllBytes());
		}
		List<Map<String, Object>> properties = JsonPath.read(json, "$.properties");
		for (String key : DOCUMENTED_KEYS) {
			assertThat(properties).as(key)
				.anySatisfy((property) -> {
					assertThat(property.get("name")).isEqualTo(key);
					assertThat((String) property.get("description")).isNotBlank();
				});
		}
		assertThat(properties).allSatisfy((property) -> assertThat((String) property.get("description"))
			.as("description of %s", property.get("name"))
			.isNotBlank());
	}

	@Test
	void enumeratedValuesAreHinted() throws Exception {
		String json;
		try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			json = new String(metadata.readAllBytes());
		}
		List<String> backends = JsonPath.read(json, "$.hints[?(@.name=='stampede.backend')].values[*].value");
		assertThat(backends).containsExactlyInAnyOrder("local", "memcached", "redis");
	}

}
