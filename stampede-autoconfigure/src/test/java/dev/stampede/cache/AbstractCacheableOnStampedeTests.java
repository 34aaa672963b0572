package dev.stampede.cache;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.stampede.CallSite;
import dev.stampede.CacheEvent;
import dev.stampede.Stampede;
import dev.stampede.autoconfigure.BootLine;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.test.HoldingBackend;
import dev.stampede.test.Stampedes;
import dev.stampede.test.Stampedes.CallResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring's caching annotations on Stampede caches, in four applications that share one
 * backend as four JVMs would: each application is a Spring Boot context with
 * {@code @EnableCaching} and {@code stampede.spring-cache.enabled=true}, and nothing
 * else about caching.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
abstract class AbstractCacheableOnStampedeTests {

	private static final AtomicLong nextId = new AtomicLong(900_000);

	private final Loads loads = new Loads();

	private final List<ConfigurableApplicationContext> applications = new ArrayList<>();

	/** Properties that put the applications on the backend under test. */
	abstract String[] backendProperties();

	@BeforeAll
	void startApplications() {
		for (int i = 0; i < 4; i++) {
			this.applications.add(new SpringApplicationBuilder(ProductsApplication.class)
				.web(WebApplicationType.NONE)
				.properties("spring.main.banner-mode=off", "stampede.spring-cache.enabled=true",
						"stampede.defaults.lease-ttl=2s", "stampede.defaults.max-wait=10s",
						"stampede.defaults.backoff.max=50ms",
						"management.endpoints.web.exposure.include=stampede,caches")
				.properties(backendProperties())
				.initializers((context) -> context.getBeanFactory().registerSingleton("loads", this.loads))
				.run());
		}
	}

	@AfterAll
	void stopApplications() {
		this.applications.forEach(ConfigurableApplicationContext::close);
	}

	@RepeatedTest(5)
	void sixtyFourThreadsOnAColdKeyOfASynchronousCacheableMakeOneLoad() {
		long id = nextId();
		int before = this.loads.of("synced");
		List<CallResult> outcomes = Stampedes.run(64, () -> products(0).synced(id));
		assertThat(this.loads.of("synced") - before).isOne();
		assertThat(outcomes).extracting(CallResult::value).containsOnly("synced-" + id + "-" + (before + 1));
	}

	@RepeatedTest(5)
	void sixtyFourThreadsOnAColdKeyOfAPlainCacheableMakeOneLoad() {
		long id = nextId();
		int before = this.loads.of("plain");
		List<CallResult> outcomes = Stampedes.run(64, () -> products(0).plain(id));
		assertThat(this.loads.of("plain") - before).isOne();
		assertThat(outcomes).extracting(CallResult::value).containsOnly("plain-" + id + "-" + (before + 1));
	}

	@RepeatedTest(3)
	void fourApplicationsOfSixteenThreadsMakeOneLoad() {
		long id = nextId();
		int before = this.loads.of("synced") + this.loads.of("plain");
		AtomicInteger thread = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(4 * 16, () -> {
			int caller = thread.getAndIncrement();
			Products products = products(caller % 4);
			// half of the callers through a synchronous @Cacheable, half through a plain one, each on its own cache
			return (caller % 8 < 4) ? products.synced(id).replace("synced", "x") : products.plain(id)
				.replace("plain", "x");
		});
		assertThat(this.loads.of("synced") + this.loads.of("plain") - before).isEqualTo(2);
		assertThat(outcomes).extracting(CallResult::failure).containsOnlyNulls();
	}

	@Test
	void concurrentFuturesOfAPlainCacheableMakeOneLoad() {
		long id = nextId();
		int before = this.loads.of("future");
		AtomicInteger thread = new AtomicInteger();
		List<CallResult> outcomes = Stampedes.run(32,
				() -> products(thread.getAndIncrement() % 4).future(id).get(10, TimeUnit.SECONDS));
		assertThat(this.loads.of("future") - before).isOne();
		assertThat(outcomes).extracting(CallResult::value).containsOnly("future-" + id + "-" + (before + 1));
	}

	@Test
	void anEvictionInOneApplicationMakesEveryApplicationLoadAgain() throws Exception {
		long id = nextId();
		String first = products(0).synced(id);
		for (int i = 1; i < 4; i++) {
			assertThat(products(i).synced(id)).isEqualTo(first);
		}
		products(3).evict(id);
		String second = products(1).synced(id);
		assertThat(second).isNotEqualTo(first);
		for (int i = 0; i < 4; i++) {
			assertThat(products(i).synced(id)).isEqualTo(second);
		}
	}

	@Test
	void evictingAllEntriesInOneApplicationMakesEveryKeyLoadAgainInEveryApplication() throws Exception {
		long one = nextId();
		long other = nextId();
		List<String> before = List.of(products(0).synced(one), products(1).synced(other));
		products(2).evictAll();
		// other applications follow the new generation within a second, or at once on Redis
		await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			for (int i = 0; i < 4; i++) {
				assertThat(products(i).synced(one)).isNotEqualTo(before.get(0));
				assertThat(products(i).synced(other)).isNotEqualTo(before.get(1));
			}
		});
	}

	@Test
	void aCachePutRacingAnEvictionNeverResurrectsItsValue() throws Exception {
		long id = nextId();
		products(0).synced(id);
		HoldingBackend backend = (HoldingBackend) this.applications.get(0).getBean(StampedeBackend.class);
		HoldingBackend.Hold hold = backend.holdAfter(HoldingBackend.Operation.READ, "products@");
		CompletableFuture<String> put = CompletableFuture.supplyAsync(() -> products(0).update(id, "put"));
		hold.awaitReached();
		products(1).evict(id);
		hold.release();
		assertThat(put.get(10, TimeUnit.SECONDS)).isEqualTo("put");
		int before = this.loads.of("synced");
		String loaded = products(2).synced(id);
		assertThat(loaded).isEqualTo("synced-" + id + "-" + (before + 1));
		for (int i = 0; i < 4; i++) {
			assertThat(products(i).synced(id)).isEqualTo(loaded);
		}
	}

	@Test
	void aCachePutIsReadByEveryApplication() throws Exception {
		long id = nextId();
		products(0).synced(id);
		products(1).update(id, "put");
		for (int i = 0; i < 4; i++) {
			assertThat(products(i).synced(id)).isEqualTo("put");
		}
	}

	@Test
	void aLoaderExceptionReachesEveryJoinedCaller() {
		long id = nextId();
		int before = this.loads.of("failing");
		List<CallResult> outcomes = Stampedes.run(16, () -> products(0).failing(id));
		assertThat(this.loads.of("failing") - before).isOne();
		assertThat(outcomes).extracting(CallResult::failure)
			.allSatisfy((failure) -> assertThat(failure).isInstanceOf(IOException.class)
				.hasMessage("database down #" + (before + 1)));
	}

	@Test
	void aCacheableThatCannotBeProtectedIsNamedAtStartUp(CapturedOutput output) {
		assertThat(output).contains("@Cacheable on Products.unprotectable(long) reads Stampede cache [plain] "
				+ "without stampede protection");
		assertThat(output).doesNotContain("Products.plain(long) reads");
	}

	@Test
	void theCachesAreCountedAndListedLikeAnyOther() throws Exception {
		long id = nextId();
		products(0).synced(id);
		products(0).synced(id);
		Stampede stampede = this.applications.get(0).getBean(Stampede.class);
		assertThat(stampede.inspection().cacheNames()).contains("products", "plain", "futures");
		assertThat(stampede.inspection().callSites("products")).extracting(CallSite::origin)
			.contains("Spring cache 'products'");
		assertThat(stampede.inspection().stats("products").count(CacheEvent.LEASE_WON)).isPositive();
		assertThat(this.applications.get(0).getBean(CacheManager.class)).isInstanceOf(StampedeCacheManager.class);
		assertThat(BootLine.cachesListedByTheEndpoint(this.applications.get(0), "cacheManager")).containsKeys("products",
				"plain");
	}

	private Products products(int application) {
		return this.applications.get(application).getBean(Products.class);
	}

	private static long nextId() {
		return nextId.incrementAndGet();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableCaching
	static class ProductsApplication {

		@Bean
		Products products(Loads loads) {
			return new Products(loads);
		}

		// Lets a test hold a thread right after a backend operation; inert otherwise.
		@Bean
		static BeanPostProcessor holdingBackend() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					return (bean instanceof StampedeBackend backend && !(bean instanceof HoldingBackend))
							? new HoldingBackend(backend) : bean;
				}

			};
		}

	}

}
