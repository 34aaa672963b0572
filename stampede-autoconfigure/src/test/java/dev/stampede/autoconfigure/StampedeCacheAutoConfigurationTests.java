package dev.stampede.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.stampede.CallSite;
import dev.stampede.Stampede;
import dev.stampede.cache.CacheableProtectionPostProcessor;
import dev.stampede.cache.StampedeCacheManager;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

class StampedeCacheAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(StampedeAutoConfiguration.class,
				StampedeCacheAutoConfiguration.class))
		.withConfiguration(BootLine.cache())
		.withUserConfiguration(CachingApplication.class);

	@Test
	void withoutThePropertyBootsOwnCacheManagerIsUsed() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(CacheManager.class).doesNotHaveBean(StampedeCacheManager.class);
			assertThat(context).hasSingleBean(CacheableProtectionPostProcessor.class);
		});
	}

	@Test
	void whenEnabledStampedeProvidesTheOnlyCacheManager() {
		this.runner.withPropertyValues("stampede.spring-cache.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(CacheManager.class)
				.getBean(CacheManager.class)
				.isInstanceOf(StampedeCacheManager.class));
	}

	@Test
	void itBacksOffForTheApplicationsOwnCacheManager() {
		this.runner.withPropertyValues("stampede.spring-cache.enabled=true")
			.withUserConfiguration(OwnCacheManager.class)
			.run((context) -> assertThat(context).hasSingleBean(CacheManager.class)
				.getBean(CacheManager.class)
				.isInstanceOf(ConcurrentMapCacheManager.class));
	}

	@Test
	void withStampedeDisabledThereIsNoStampedeCacheManager() {
		this.runner.withPropertyValues("stampede.enabled=false", "stampede.spring-cache.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(StampedeCacheManager.class)
				.doesNotHaveBean(CacheableProtectionPostProcessor.class));
	}

	@Test
	void listedCacheNamesAreCreatedAtStartUpAndTunedByTheirConfiguration() {
		this.runner
			.withPropertyValues("stampede.spring-cache.enabled=true", "stampede.spring-cache.cache-names=products,prices",
					"stampede.caches.products.ttl=7s")
			.run((context) -> {
				assertThat(context.getBean(CacheManager.class).getCacheNames()).containsExactly("prices", "products");
				Stampede stampede = context.getBean(Stampede.class);
				assertThat(stampede.inspection().cacheNames()).contains("prices", "products");
				List<CallSite> sites = stampede.inspection().callSites("products");
				assertThat(sites).singleElement().satisfies((site) -> {
					assertThat(site.origin()).isEqualTo("Spring cache 'products'");
					assertThat(site.settings().ttl()).hasSeconds(7);
				});
			});
	}

	@Test
	void otherCachesAreCreatedWhenFirstUsed() {
		this.runner.withPropertyValues("stampede.spring-cache.enabled=true").run((context) -> {
			CacheManager manager = context.getBean(CacheManager.class);
			assertThat(manager.getCacheNames()).isEmpty();
			assertThat(manager.getCache("later")).isNotNull().isSameAs(manager.getCache("later"));
			assertThat(manager.getCacheNames()).containsExactly("later");
		});
	}

	@Test
	void bootsCachesEndpointListsTheCaches() {
		this.runner.withConfiguration(BootLine.cachesEndpoint())
			.withPropertyValues("stampede.spring-cache.enabled=true", "stampede.spring-cache.cache-names=products",
					"management.endpoints.web.exposure.include=caches")
			.run((context) -> {
				Map<String, Object> caches = BootLine.cachesListedByTheEndpoint(context, "cacheManager");
				assertThat(caches).containsOnlyKeys("products");
				assertThat(new BeanWrapperImpl(caches.get("products")).getPropertyValue("target"))
					.isEqualTo(Stampede.class.getName());
			});
	}

	@Test
	void itIsOrderedBeforeAnAutoConfigurationThatExists() {
		assertThat(Stream
			.of(StampedeCacheAutoConfiguration.CACHE_AUTO_CONFIGURATION,
					StampedeCacheAutoConfiguration.BOOT_3_CACHE_AUTO_CONFIGURATION)
			.filter((name) -> ClassUtils.isPresent(name, null))).as("the names on this Boot line").hasSize(1);
		assertThat(ClassUtils.isPresent(BootLine.BOOT_3 ? StampedeCacheAutoConfiguration.BOOT_3_CACHE_AUTO_CONFIGURATION
				: StampedeCacheAutoConfiguration.CACHE_AUTO_CONFIGURATION, null)).isTrue();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCacheManager {

		@Bean
		ConcurrentMapCacheManager ownCacheManager() {
			return new ConcurrentMapCacheManager();
		}

	}

}
