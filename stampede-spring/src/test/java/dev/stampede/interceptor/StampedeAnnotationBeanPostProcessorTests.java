package dev.stampede.interceptor;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import dev.stampede.StampedeTimeoutException;
import dev.stampede.annotation.StampedeEvict;
import dev.stampede.annotation.StampedeProtected;
import dev.stampede.backend.local.LocalBackend;
import org.aopalliance.intercept.MethodInterceptor;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.autoproxy.DefaultAdvisorAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
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

	@Test
	void aKeyNamingNoParameterFailsStartUpNamingTheParameters() {
		assertThatException().isThrownBy(() -> context(Typo.class).close())
			.withStackTraceContaining("no parameter 'productId' on StampedeAnnotationBeanPostProcessorTests.Typo.find(long); parameters: id");
	}

	@Test
	void indexesAndTheRootObjectAreKnownToKeyExpressions() {
		try (AnnotationConfigApplicationContext context = context(Indexed.class)) {
			assertThat(context.getBean(Indexed.class).find(3, "x")).isEqualTo("3x");
		}
	}

	@Test
	void annotatedMethodsAProxyCannotInterceptAreNamedAtStartUp() {
		PrintStream standardError = System.err;
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		System.setErr(new PrintStream(captured, true));
		try (AnnotationConfigApplicationContext context = context(Unreachable.class)) {
			assertThat(context.getBean(Unreachable.class).reachable()).isEqualTo("reachable");
		}
		finally {
			System.setErr(standardError);
		}
		assertThat(captured.toString())
			.contains("@StampedeProtected on StampedeAnnotationBeanPostProcessorTests.Unreachable.hidden has no effect: a Spring proxy cannot intercept a "
					+ "private method")
			.contains("@StampedeProtected on StampedeAnnotationBeanPostProcessorTests.Unreachable.locked has no effect: a Spring proxy cannot intercept a "
					+ "final method")
			.contains("@StampedeEvict on StampedeAnnotationBeanPostProcessorTests.Unreachable.shared has no effect: a Spring proxy cannot intercept a "
					+ "static method")
			.doesNotContain("Unreachable.reachable has no effect");
	}

	@Test
	void stampedesAdviceRunsOutsideAdviceAlreadyOnTheBeanSoHitsNeverReachIt() throws Exception {
		try (AnnotationConfigApplicationContext context = context(null, OtherAdvice.class, Products.class)) {
			Products products = context.getBean(Products.class);
			products.find(5);
			products.find(5);
			assertThat(context.getBean(OtherAdvice.class).calls).hasValue(1);
		}
	}

	@Test
	void anOrderPlacesStampedesAdviceInsideAdviceOfLowerOrder() throws Exception {
		try (AnnotationConfigApplicationContext context = context(20, OtherAdvice.class, Products.class)) {
			Products products = context.getBean(Products.class);
			products.find(5);
			products.find(5);
			assertThat(context.getBean(OtherAdvice.class).calls).hasValue(2);
		}
	}

	private static Duration ttl(Stampede stampede, String cache) {
		return stampede.inspection().callSites(cache).get(0).settings().ttl();
	}

	@Test
	void withATimeoutTheMethodRunsOnALoaderThreadThatItsCallerStopsWaitingFor() throws Exception {
		try (AnnotationConfigApplicationContext context = context(Reports.class)) {
			Reports reports = context.getBean(Reports.class);
			assertThat(reports.threadName()).startsWith("stampede-load-");
			assertThatException().isThrownBy(reports::slow)
				.isInstanceOf(StampedeTimeoutException.class)
				.withMessageContaining("cache 'slow-reports'");
			reports.finish();
		}
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

	private static AnnotationConfigApplicationContext context(@Nullable Integer order, Class<?>... components) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.registerBean(StampedeAnnotationBeanPostProcessor.class, () -> {
			StampedeAnnotationBeanPostProcessor postProcessor = new StampedeAnnotationBeanPostProcessor(
					context.getBeanProvider(Stampede.class));
			postProcessor.setAdvisorOrder(order);
			return postProcessor;
		});
		context.registerBean(Stampede.class, () -> new Stampede(new LocalBackend(1_000)));
		context.register(components);
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

	static class Reports {

		private final CountDownLatch finish = new CountDownLatch(1);

		// through a method: the proxy's own fields are never set
		public void finish() {
			this.finish.countDown();
		}

		@StampedeProtected(cache = "reports", hardTimeout = "5s")
		public String threadName() {
			return Thread.currentThread().getName();
		}

		@StampedeProtected(cache = "slow-reports", hardTimeout = "100ms")
		public String slow() throws InterruptedException {
			this.finish.await(10, TimeUnit.SECONDS);
			return "late";
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

	static class Typo {

		@StampedeProtected(cache = "typo", key = "#productId")
		public String find(long id) {
			return "";
		}

	}

	static class Indexed {

		@StampedeProtected(cache = "indexed", key = "#p0 + #a1 + #root.methodName", condition = "#id > 0",
				unless = "#result == null")
		public String find(long id, String suffix) {
			return id + suffix;
		}

	}

	static class Unreachable {

		@StampedeProtected(cache = "unreachable")
		public String reachable() {
			return hidden();
		}

		@StampedeProtected(cache = "unreachable")
		private String hidden() {
			return "reachable";
		}

		@StampedeProtected(cache = "unreachable")
		public final String locked() {
			return "";
		}

		@StampedeEvict(cache = "unreachable", allEntries = true)
		public static void shared() {
		}

	}

	/**
	 * Advice already on the bean when Stampede's post-processor sees it, as a
	 * transaction's would be: an auto-proxy creator applies it first.
	 */
	@Configuration(proxyBeanMethods = false)
	static class OtherAdvice {

		final AtomicInteger calls = new AtomicInteger();

		@Bean
		static DefaultAdvisorAutoProxyCreator autoProxyCreator() {
			DefaultAdvisorAutoProxyCreator creator = new DefaultAdvisorAutoProxyCreator();
			creator.setOrder(Ordered.HIGHEST_PRECEDENCE);
			creator.setProxyTargetClass(true);
			return creator;
		}

		@Bean
		DefaultPointcutAdvisor otherAdvisor() {
			DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(new AnnotationMatchingPointcut(null,
					StampedeProtected.class, true), (MethodInterceptor) (invocation) -> {
						this.calls.incrementAndGet();
						return invocation.proceed();
					});
			advisor.setOrder(10);
			return advisor;
		}

	}

	static class BadTtl {

		@StampedeProtected(cache = "bad", ttl = "30 seconds")
		public String find(long id) {
			return "";
		}

	}

}
