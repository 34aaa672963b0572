package dev.stampede.interceptor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.Stampede;
import dev.stampede.annotation.StampedeEvict;
import dev.stampede.annotation.StampedeProtected;
import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The annotations at work in a plain Spring application: no Spring Boot, no
 * auto-configuration, an engine on the in-process backend.
 */
class StampedeAnnotationBeanPostProcessorTests {

	@Test
	void thisModuleNeedsNoSpringBoot() {
		assertThat(ClassUtils.isPresent("org.springframework.boot.SpringApplication", null)).isFalse();
	}

	@Test
	void concurrentCallersOfAColdKeyRunTheMethodOnce() throws Exception {
		try (AnnotationConfigApplicationContext context = context(Products.class)) {
			Products products = context.getBean(Products.class);
			assertThat(AopUtils.isAopProxy(products)).isTrue();
			ExecutorService callers = Executors.newFixedThreadPool(16);
			try {
				CountDownLatch start = new CountDownLatch(1);
				List<Future<String>> results = new ArrayList<>();
				for (int i = 0; i < 16; i++) {
					results.add(callers.submit(() -> {
						start.await();
						return products.find(7);
					}));
				}
				start.countDown();
				for (Future<String> result : results) {
					assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("product-7");
				}
			}
			finally {
				callers.shutdownNow();
			}
			assertThat(products.loads()).isEqualTo(1);
		}
	}

	@Test
	void anEvictionMakesTheNextCallRunTheMethodAgain() throws Exception {
		try (AnnotationConfigApplicationContext context = context(Products.class)) {
			Products products = context.getBean(Products.class);
			products.find(1);
			products.find(1);
			products.save(1);
			products.find(1);
			assertThat(products.loads()).isEqualTo(2);
		}
	}

	@Test
	void durationsTakeTheFormsOfSpringBootsConfigurationKeysWithoutBoot() {
		try (AnnotationConfigApplicationContext context = context(Durations.class)) {
			Stampede stampede = context.getBean(Stampede.class);
			assertThat(ttl(stampede, "simple")).isEqualTo(Duration.ofSeconds(30));
			assertThat(ttl(stampede, "minutes")).isEqualTo(Duration.ofMinutes(5));
			assertThat(ttl(stampede, "iso")).isEqualTo(Duration.ofMinutes(1));
			assertThat(ttl(stampede, "millis")).isEqualTo(Duration.ofMillis(500));
			assertThat(ttl(stampede, "bare-number")).isEqualTo(Duration.ofMillis(750));
			assertThat(ttl(stampede, "placeholder")).isEqualTo(Duration.ofHours(2));
		}
	}

	@Test
	void anUnparsableDurationFailsStartUpNamingTheAttributeAndTheMethod() {
		assertThatException().isThrownBy(() -> context(BadTtl.class).close())
			.withStackTraceContaining("Invalid ttl '30 seconds'")
			.withStackTraceContaining("BadTtl.find(long)");
	}

	@Test
	void defaultKeysOfDifferentArgumentsNeverShareAnEntry() {
		try (AnnotationConfigApplicationContext context = context(Codes.class)) {
			Codes codes = context.getBean(Codes.class);
			assertThat(codes.describe(null)).isEqualTo("code null");
			assertThat(codes.describe("\\0")).isEqualTo("code \\0");
			assertThat(codes.describe("a,b")).isEqualTo("code a,b");
			assertThat(codes.pair("a", "b")).isEqualTo("pair a b");
			assertThat(codes.pair("a,b", null)).isEqualTo("pair a,b null");
			assertThat(codes.pair("a", "b,")).isEqualTo("pair a b,");
		}
	}

	private static Duration ttl(Stampede stampede, String cache) {
		return stampede.inspection().callSites(cache).get(0).settings().ttl();
	}

	private static AnnotationConfigApplicationContext context(Class<?> service) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("test", Map.of("products.ttl", "2h")));
		context.register(StampedeConfiguration.class, service);
		context.refresh();
		return context;
	}

	@Configuration(proxyBeanMethods = false)
	static class StampedeConfiguration {

		@Bean
		Stampede stampede() {
			return new Stampede(new LocalBackend(1_000));
		}

		@Bean
		static StampedeAnnotationBeanPostProcessor stampedeAnnotationBeanPostProcessor(
				ObjectProvider<Stampede> stampede) {
			return new StampedeAnnotationBeanPostProcessor(stampede);
		}

	}

	static class Products {

		private final AtomicInteger loads = new AtomicInteger();

		// through a method: the proxy's own fields are never set
		public int loads() {
			return this.loads.get();
		}

		@StampedeProtected(cache = "products", key = "#id")
		public String find(long id) throws InterruptedException {
			this.loads.incrementAndGet();
			// long enough for every caller to arrive while the first one loads
			Thread.sleep(200);
			return "product-" + id;
		}

		@StampedeEvict(cache = "products", key = "#id")
		public void save(long id) {
		}

	}

	static class Durations {

		@StampedeProtected(cache = "simple", ttl = "30s")
		public String simple() {
			return "";
		}

		@StampedeProtected(cache = "minutes", ttl = "5m")
		public String minutes() {
			return "";
		}

		@StampedeProtected(cache = "iso", ttl = "PT1M")
		public String iso() {
			return "";
		}

		@StampedeProtected(cache = "millis", ttl = "500ms")
		public String millis() {
			return "";
		}

		@StampedeProtected(cache = "bare-number", ttl = "750")
		public String bareNumber() {
			return "";
		}

		@StampedeProtected(cache = "placeholder", ttl = "${products.ttl}")
		public String placeholder() {
			return "";
		}

	}

	static class Codes {

		@StampedeProtected(cache = "codes")
		public String describe(String code) {
			return "code " + code;
		}

		@StampedeProtected(cache = "codes")
		public String pair(String first, String second) {
			return "pair " + first + " " + second;
		}

	}

	static class BadTtl {

		@StampedeProtected(cache = "bad", ttl = "30 seconds")
		public String find(long id) {
			return "";
		}

	}

}
