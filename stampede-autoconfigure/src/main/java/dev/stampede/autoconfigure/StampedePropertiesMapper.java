package dev.stampede.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.stampede.CacheSettings;
import dev.stampede.InvalidSettingException;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.CircuitBreakingBackend;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.codec.Jackson2JsonCodec;
import dev.stampede.codec.JsonCodec;
import dev.stampede.codec.RecordCodec;
import dev.stampede.codec.SigningKey;
import dev.stampede.codec.ValueCodec;
import dev.stampede.autoconfigure.StampedeProperties.BackoffProperties;
import dev.stampede.autoconfigure.StampedeProperties.CacheProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;

/**
 * Turns {@link StampedeProperties} into the engine's settings, and checks the values
 * the engine does not check itself. A value that cannot work becomes an
 * {@link InvalidConfigurationPropertyValueException} that names its property, which
 * Boot reports at start-up with where the value came from.
 */
final class StampedePropertiesMapper {

	private static final String JACKSON_3 = "tools.jackson.databind.json.JsonMapper";

	private static final String JACKSON_2 = "com.fasterxml.jackson.databind.json.JsonMapper";

	private StampedePropertiesMapper() {
	}

	/**
	 * The engine's settings: {@code stampede.defaults} over Stampede's own defaults, and
	 * each cache's {@code stampede.caches.<name>} over those. Checks every other value
	 * too, so that any bad one fails start-up whichever beans use it.
	 */
	static StampedeSettings settings(StampedeProperties properties) {
		CacheSettings defaults = defaults(properties);
		Map<String, CacheSettings.Overrides> caches = new LinkedHashMap<>();
		properties.getCaches().forEach((name, cache) -> caches.put(name, overrides(cache)));
		StampedeSettings settings = new StampedeSettings(defaults, caches);
		caches.keySet()
			.forEach((name) -> translate("caches." + name + ".", () -> settings.resolve(name, null)));
		requireAtLeastOne("refresh.threads", properties.getRefresh().getThreads());
		requireAtLeastOne("refresh.queue-capacity", properties.getRefresh().getQueueCapacity());
		checkCircuitBreaker(properties.getCircuitBreaker());
		return settings;
	}

	/** Settings of every cache that neither configuration nor an annotation overrides. */
	static CacheSettings defaults(StampedeProperties properties) {
		return translate("defaults.",
				() -> CacheSettings.DEFAULTS.with(overrides(properties.getDefaults())));
	}

	/** A shared backend behind the circuit breaker, unless it is switched off. */
	static StampedeBackend withCircuitBreaker(StampedeBackend shared, StampedeProperties.CircuitBreaker circuitBreaker) {
		if (!circuitBreaker.isEnabled()) {
			return shared;
		}
		checkCircuitBreaker(circuitBreaker);
		return new CircuitBreakingBackend(shared, circuitBreaker.getFailureThreshold(), circuitBreaker.getOpenFor());
	}

	private static void checkCircuitBreaker(StampedeProperties.CircuitBreaker circuitBreaker) {
		requireAtLeastOne("circuit-breaker.failure-threshold", circuitBreaker.getFailureThreshold());
		Duration openFor = circuitBreaker.getOpenFor();
		if (openFor.isNegative() || openFor.isZero()) {
			throw invalid("circuit-breaker.open-for", openFor,
					"must be longer than 0, was " + openFor.toMillis() + " ms");
		}
	}

	/**
	 * The codec of {@code stampede.codec.format}: Java serialization filtered to the
	 * declared types, the JDK's value types and the allowed packages (by default those
	 * {@code applicationPackages} gives), or JSON, through Jackson 3 where the
	 * application has it (Boot 4), else Jackson 2 (Boot 3).
	 */
	static ValueCodec valueCodec(StampedeProperties.Codec codec, @Nullable ClassLoader classLoader,
			Supplier<List<String>> applicationPackages) {
		if (codec.getFormat() == StampedeProperties.Format.JSON) {
			if (ClassUtils.isPresent(JACKSON_3, classLoader)) {
				return new JsonCodec();
			}
			if (ClassUtils.isPresent(JACKSON_2, classLoader)) {
				return new Jackson2JsonCodec();
			}
			throw invalid("codec.format", "json", "the json format needs Jackson; add "
					+ "org.springframework.boot:spring-boot-starter-jackson on Spring Boot 4, "
					+ "or org.springframework.boot:spring-boot-starter-json on Spring Boot 3");
		}
		List<String> allowed = codec.getAllowedPackages();
		try {
			return JdkSerializationCodec.builder()
				.classLoader(classLoader)
				.allowPackages((allowed != null) ? allowed : applicationPackages.get())
				.build();
		}
		catch (IllegalArgumentException ex) {
			throw invalid("codec.allowed-packages", allowed, ex.getMessage());
		}
	}

	/**
	 * The name of this instance in the leases it takes: {@code stampede.instance-id}, or
	 * the application's name, the host's and the process id, cut to what a lease holds.
	 */
	static String instanceId(StampedeProperties properties, @Nullable String applicationName) {
		String configured = properties.getInstanceId();
		if (configured != null) {
			if (!RecordCodec.isHolderName(configured)) {
				throw invalid("instance-id", configured, "must be 1 to " + RecordCodec.MAX_HOLDER_BYTES
						+ " bytes of UTF-8 without control characters");
			}
			return configured;
		}
		String process = hostName() + ":" + ProcessHandle.current().pid();
		String name = (applicationName != null && !applicationName.isBlank()) ? applicationName + "@" + process
				: process;
		return fitted(name);
	}

	// The environment's name first: looking the host up may wait for a DNS server.
	private static String hostName() {
		for (String variable : List.of("HOSTNAME", "COMPUTERNAME")) {
			String name = System.getenv(variable);
			if (name != null && !name.isBlank()) {
				return name;
			}
		}
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

	// A default never fails start-up: what a lease cannot hold is left out.
	private static String fitted(String name) {
		StringBuilder fitted = new StringBuilder();
		int bytes = 0;
		for (int c : name.codePoints().toArray()) {
			String character = Character.toString(c);
			int length = character.getBytes(StandardCharsets.UTF_8).length;
			if (bytes + length > RecordCodec.MAX_HOLDER_BYTES) {
				break;
			}
			if (RecordCodec.isHolderName(character)) {
				fitted.append(character);
				bytes += length;
			}
		}
		return fitted.isEmpty() ? "unnamed" : fitted.toString();
	}

	/**
	 * Records of {@code valueCodec}'s values, signed and compressed as
	 * {@code stampede.codec.*} asks, their leases naming {@code instanceId}. A bad signing key fails without naming its value,
	 * not even in Boot's report of the failure, which shows a bad property's value.
	 */
	static RecordCodec records(ValueCodec valueCodec, StampedeProperties.Codec codec, String instanceId) {
		RecordCodec.Builder records = RecordCodec.builder(valueCodec).holder(instanceId);
		String key = codec.getSigningKey();
		if (key != null) {
			try {
				records.signingKey(SigningKey.of(codec.getSigningKeyId(), key));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException("Invalid stampede.codec.signing-key or signing-key-id: "
						+ ex.getMessage(), null);
			}
		}
		DataSize compressAbove = codec.getCompressAbove();
		if (compressAbove != null) {
			if (compressAbove.isNegative() || compressAbove.toBytes() > Integer.MAX_VALUE) {
				throw invalid("codec.compress-above", compressAbove, "must be from 0 to 2GB");
			}
			records.compressAbove((int) compressAbove.toBytes());
		}
		try {
			return records.build();
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("The ValueCodec bean cannot tag its values: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Boot's exception for an engine's setting named under {@code defaults.} or
	 * {@code caches.<name>.}. It carries no value: Boot's report of it shows the value
	 * configured for the property, and where it came from.
	 */
	static InvalidConfigurationPropertyValueException invalid(InvalidSettingException ex) {
		return invalid(ex.getSetting(), null, ex.getReason());
	}

	private static CacheSettings.Overrides overrides(CacheProperties cache) {
		BackoffProperties backoff = cache.getBackoff();
		return CacheSettings.Overrides.builder()
			.ttl(cache.getTtl())
			.leaseTtl(cache.getLeaseTtl())
			.maxWait(cache.getMaxWait())
			.backoffInitial(backoff.getInitial())
			.backoffMax(backoff.getMax())
			.backoffMultiplier(backoff.getMultiplier())
			.backoffJitter(backoff.getJitter())
			.cacheNulls(cache.getCacheNulls())
			.onBackendFailure(cache.getOnBackendFailure())
			.onWaitTimeout(cache.getOnWaitTimeout())
			.localTtl(cache.getLocalTtl())
			.localMaxSize(cache.getLocalMaxSize())
			.staleTtl(cache.getStaleTtl())
			.refresh(cache.getRefresh())
			.earlyRefreshBeta(cache.getEarlyRefreshBeta())
			.failSafeTtl(cache.getFailSafeTtl())
			.failSafeThrottle(cache.getFailSafeThrottle())
			.softTimeout(cache.getSoftTimeout())
			.hardTimeout(cache.getHardTimeout())
			.build();
	}

	private static <T> T translate(String prefix, Supplier<T> settings) {
		try {
			return settings.get();
		}
		catch (InvalidSettingException ex) {
			throw invalid(ex.under(prefix));
		}
	}

	private static void requireAtLeastOne(String property, int value) {
		if (value < 1) {
			throw invalid(property, value, "must be at least 1, was " + value);
		}
	}

	private static InvalidConfigurationPropertyValueException invalid(String property, @Nullable Object value,
			String reason) {
		return new InvalidConfigurationPropertyValueException("stampede." + property, value, reason);
	}

}
