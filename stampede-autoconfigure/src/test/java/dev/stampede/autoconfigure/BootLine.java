package dev.stampede.autoconfigure;

import java.util.Map;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Boot's own auto-configurations and endpoints that the tests use, by the names they
 * have on the Boot line the tests run on, so that one suite tests every line.
 */
public final class BootLine {

	/** Whether the tests run on Spring Boot 3. */
	public static final boolean BOOT_3 = SpringBootVersion.getVersion().startsWith("3.");

	private BootLine() {
	}

	/** Boot's Redis connection auto-configuration. */
	public static AutoConfigurations dataRedis() {
		return of(StampedeAutoConfiguration.DATA_REDIS_AUTO_CONFIGURATION,
				StampedeAutoConfiguration.BOOT_3_DATA_REDIS_AUTO_CONFIGURATION);
	}

	/** Boot's observation registry auto-configuration. */
	public static AutoConfigurations observation() {
		return of(StampedeObservationAutoConfiguration.OBSERVATION_AUTO_CONFIGURATION,
				StampedeObservationAutoConfiguration.BOOT_3_OBSERVATION_AUTO_CONFIGURATION);
	}

	/** Boot's metrics auto-configuration, which binds meter binders and, on Boot 4, times observations. */
	public static AutoConfigurations metrics() {
		return of("org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration");
	}

	/** Boot's cache manager auto-configuration. */
	public static AutoConfigurations cache() {
		return of(StampedeCacheAutoConfiguration.CACHE_AUTO_CONFIGURATION,
				StampedeCacheAutoConfiguration.BOOT_3_CACHE_AUTO_CONFIGURATION);
	}

	/** Boot's {@code caches} endpoint auto-configuration. */
	public static AutoConfigurations cachesEndpoint() {
		return of("org.springframework.boot.cache.autoconfigure.CachesEndpointAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.cache.CachesEndpointAutoConfiguration");
	}

	/**
	 * What Boot's {@code caches} endpoint lists for one cache manager.
	 * @return each cache's descriptor by cache name
	 */
	@SuppressWarnings("unchecked")
	public static Map<String, Object> cachesListedByTheEndpoint(ApplicationContext context, String cacheManager) {
		Object endpoint = context.getBean(load("org.springframework.boot.cache.actuate.endpoint.CachesEndpoint",
				"org.springframework.boot.actuate.cache.CachesEndpoint"));
		Object descriptor = ReflectionUtils.invokeMethod(ReflectionUtils.findMethod(endpoint.getClass(), "caches"),
				endpoint);
		return (Map<String, Object>) new BeanWrapperImpl(descriptor)
			.getPropertyValue("cacheManagers[" + cacheManager + "].caches");
	}

	/** Stampede's health auto-configuration for this Boot line. */
	public static AutoConfigurations stampedeHealth() {
		return of(StampedeHealthAutoConfiguration.class.getName(),
				"dev.stampede.autoconfigure.boot3.Boot3HealthAutoConfiguration");
	}

	/** The package of Boot's health support. */
	public static String healthPackage() {
		return BOOT_3 ? "org.springframework.boot.actuate.health" : "org.springframework.boot.health";
	}

	/**
	 * Asks the {@code stampede} health indicator for its health.
	 * @return the status code and the details
	 */
	@SuppressWarnings("unchecked")
	public static Health stampedeHealth(ApplicationContext context) {
		Object indicator = context.getBean("stampedeHealthIndicator");
		Object health = ReflectionUtils.invokeMethod(ReflectionUtils.findMethod(indicator.getClass(), "health"),
				indicator);
		BeanWrapperImpl read = new BeanWrapperImpl(health);
		return new Health((String) read.getPropertyValue("status.code"), (Map<String, Object>) read.getPropertyValue("details"));
	}

	/**
	 * A health response, on either line.
	 * @param status the status code, such as {@code UP}
	 * @param details the details
	 */
	public record Health(String status, Map<String, Object> details) {
	}

	private static AutoConfigurations of(String boot4, String boot3) {
		return AutoConfigurations.of(load(boot4, boot3));
	}

	private static Class<?> load(String boot4, String boot3) {
		try {
			return ClassUtils.forName(BOOT_3 ? boot3 : boot4, BootLine.class.getClassLoader());
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException("Spring Boot " + SpringBootVersion.getVersion() + " has no " + ex.getMessage(), ex);
		}
	}

}
