package dev.stampede.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.jayway.jsonpath.JsonPath;
import dev.stampede.CacheSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every configuration key completes in an IDE with a description, and with the default
 * that is really in effect when the key is not set.
 */
class ConfigurationMetadataTests {

	// Their defaults follow from other settings, as their descriptions say, so no one value would be right.
	private static final Set<String> DEFAULTS_FROM_OTHER_SETTINGS = Set.of("stampede.backend",
			"stampede.health.down-when-backend-down", "stampede.codec.allowed-packages", "stampede.instance-id");

	private static final Set<String> WITHOUT_DEFAULT = Set.of("stampede.memcached.servers", "stampede.caches",
			"stampede.order", "stampede.spring-cache.cache-names", "stampede.codec.signing-key",
			"stampede.codec.compress-above", "stampede.instance-id");

	private static final List<String> DOCUMENTED_KEYS = List.of("stampede.enabled", "stampede.backend",
			"stampede.key-prefix", "stampede.memcached.servers", "stampede.memcached.op-timeout",
			"stampede.memcached.connect-timeout", "stampede.redis.op-timeout", "stampede.local.maximum-size", "stampede.defaults.ttl",
			"stampede.defaults.stale-ttl", "stampede.defaults.lease-ttl", "stampede.defaults.max-wait",
			"stampede.defaults.backoff.initial", "stampede.defaults.backoff.max",
			"stampede.defaults.backoff.multiplier", "stampede.defaults.backoff.jitter",
			"stampede.defaults.cache-nulls", "stampede.defaults.on-backend-failure",
			"stampede.defaults.on-wait-timeout", "stampede.defaults.refresh", "stampede.defaults.early-refresh-beta",
			"stampede.defaults.local-ttl", "stampede.defaults.local-max-size", "stampede.defaults.fail-safe-ttl",
			"stampede.defaults.fail-safe-throttle", "stampede.defaults.soft-timeout",
			"stampede.defaults.hard-timeout", "stampede.caches",
			"stampede.refresh.threads", "stampede.refresh.queue-capacity", "stampede.health.down-when-backend-down",
			"stampede.spring-cache.enabled", "stampede.spring-cache.cache-names", "stampede.codec.format",
			"stampede.codec.allowed-packages", "stampede.codec.signing-key", "stampede.codec.signing-key-id",
			"stampede.codec.compress-above", "stampede.instance-id");

	@Test
	void everyKeyHasADescription() throws Exception {
		List<Map<String, Object>> properties = JsonPath.read(metadata(), "$.properties");
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
		List<String> backends = JsonPath.read(metadata(), "$.hints[?(@.name=='stampede.backend')].values[*].value");
		assertThat(backends).containsExactlyInAnyOrder("local", "memcached", "redis");
		List<String> formats = JsonPath.read(metadata(),
				"$.hints[?(@.name=='stampede.codec.format')].values[*].value");
		assertThat(formats).containsExactlyInAnyOrder("java", "json");
	}

	@Test
	void everyCacheSettingsDefaultIsTheEnginesOwn() throws Exception {
		List<Map<String, Object>> defaults = JsonPath.read(metadata(),
				"$.properties[?(@.name =~ /stampede\\.defaults\\..*/)]");
		assertThat(defaults).isNotEmpty();
		for (Map<String, Object> property : defaults) {
			String name = (String) property.get("name");
			assertThat(property.get("defaultValue")).as("default of %s", name).isNotNull();
			StampedeProperties bound = bind(name, property.get("defaultValue"));
			assertThat(StampedePropertiesMapper.defaults(bound)).as("%s set to its documented default", name)
				.isEqualTo(CacheSettings.DEFAULTS);
		}
	}

	@Test
	void everyOtherDefaultIsTheValueInEffectWhenTheKeyIsNotSet() throws Exception {
		List<Map<String, Object>> others = JsonPath.read(metadata(),
				"$.properties[?(@.name =~ /stampede\\.(?!defaults\\.).*/)]");
		for (Map<String, Object> property : others) {
			String name = (String) property.get("name");
			Object defaultValue = property.get("defaultValue");
			if (DEFAULTS_FROM_OTHER_SETTINGS.contains(name) || WITHOUT_DEFAULT.contains(name)) {
				assertThat(defaultValue).as("default of %s", name).isNull();
				continue;
			}
			assertThat(defaultValue).as("default of %s", name).isNotNull();
			assertThat(bind(name, defaultValue)).as("%s set to its documented default", name)
				.usingRecursiveComparison()
				.isEqualTo(new StampedeProperties());
		}
	}

	@Test
	void springCacheIsOffUnlessEnabled() throws Exception {
		List<Object> defaults = JsonPath.read(metadata(),
				"$.properties[?(@.name == 'stampede.spring-cache.enabled')].defaultValue");
		assertThat(defaults).containsExactly(new StampedeCacheProperties().isEnabled());
	}

	@Test
	void keysWhoseDefaultFollowsOtherSettingsSaySoInTheirDescription() throws Exception {
		for (String name : DEFAULTS_FROM_OTHER_SETTINGS) {
			List<String> descriptions = JsonPath.read(metadata(),
					"$.properties[?(@.name == '" + name + "')].description");
			assertThat(descriptions).as(name).singleElement().asString().containsIgnoringCase("default");
		}
	}

	private static StampedeProperties bind(String name, Object value) {
		MapConfigurationPropertySource source = new MapConfigurationPropertySource(Map.of(name, value.toString()));
		return new Binder(source).bindOrCreate("stampede", Bindable.ofInstance(new StampedeProperties()));
	}

	private String metadata() throws IOException {
		// Stampede's own, whichever of Boot's jars comes first on the class path
		String location = StampedeProperties.class.getProtectionDomain().getCodeSource().getLocation().toString();
		for (URL metadata : Collections.list(
				getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
			if (metadata.toString().contains(location)) {
				try (InputStream in = metadata.openStream()) {
					return new String(in.readAllBytes());
				}
			}
		}
		throw new AssertionError("no generated configuration metadata beside " + location);
	}

}
