package dev.stampede.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.stampede.Stampede;
import dev.stampede.backend.Slot;
import dev.stampede.test.Stampedes;
import dev.stampede.test.Stampedes.CallResult;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@code @StampedeProtected} and {@code @StampedeEvict} end to end, through the
 * auto-configured proxy, on the backend a subclass configures.
 */
abstract class AbstractAnnotationTests {

	private static int nextId = 1000;

	@Autowired
	Catalog catalog;

	@Autowired
	Stampede stampede;

	@RepeatedTest(10)
	void sixtyFourConcurrentCallsOfAColdKeyRunTheMethodOnce() {
		long id = nextId();
		int before = this.catalog.calls("product");
		List<CallResult> outcomes = Stampedes.run(64, () -> this.catalog.product(id));
		assertThat(this.catalog.calls("product") - before).isEqualTo(1);
		assertThat(outcomes).extracting(CallResult::value).containsOnly("product-" + id);
	}

	@Test
	void theCatalogIsProxied() {
		assertThat(AopUtils.isAopProxy(this.catalog)).isTrue();
	}

	@Test
	void keysAreSpelOverArgumentsByIndex() {
		this.catalog.byIndex("a", "b");
		this.catalog.byIndex("a", "b");
		this.catalog.byIndex("a", "c");
		assertThat(this.catalog.calls("byIndex")).isEqualTo(2);
		assertThat(stored("by-index", "a:b")).isInstanceOf(Slot.Present.class);
	}

	@Test
	void keysCanUseTheRootObject() {
		long id = nextId();
		this.catalog.byRoot(id);
		this.catalog.byRoot(id);
		assertThat(this.catalog.calls("byRoot")).isEqualTo(1);
		assertThat(stored("by-root", "byRoot:" + id)).isInstanceOf(Slot.Present.class);
	}

	@Test
	void theDefaultKeyJoinsAllArguments() {
		this.catalog.defaultKey("x,y", 7);
		assertThat(this.catalog.defaultKey("x,y", 7)).isEqualTo("x,y7");
		assertThat(this.catalog.calls("defaultKey")).isEqualTo(1);
		assertThat(stored("default-key", new Object[] { "x,y", 7 })).isInstanceOf(Slot.Present.class);
	}

	@Test
	void aFalseConditionCallsTheMethodWithoutTheCache() {
		this.catalog.conditional(-1);
		this.catalog.conditional(-1);
		assertThat(this.catalog.calls("conditional")).isEqualTo(2);
		this.catalog.conditional(1);
		this.catalog.conditional(1);
		assertThat(this.catalog.calls("conditional")).isEqualTo(3);
	}

	@Test
	void aResultMatchedByUnlessIsReturnedButNotCached() {
		assertThat(this.catalog.unless(2)).isEqualTo("temporary-2");
		assertThat(this.catalog.unless(2)).isEqualTo("temporary-2");
		assertThat(this.catalog.unless(3)).isEqualTo("lasting-3");
		assertThat(this.catalog.unless(3)).isEqualTo("lasting-3");
		assertThat(this.catalog.calls("unless")).isEqualTo(3);
	}

	@Test
	void optionalContentIsCachedAndEmptyIsCachedAsNull() {
		assertThat(this.catalog.optional(0)).isEmpty();
		assertThat(this.catalog.optional(0)).isEmpty();
		assertThat(this.catalog.optional(1)).contains("optional-1");
		assertThat(this.catalog.optional(1)).isEqualTo(Optional.of("optional-1"));
		assertThat(this.catalog.calls("optional")).isEqualTo(2);
	}

	@Test
	void nullResultsAreCached() {
		assertThat(this.catalog.nothing("n")).isNull();
		assertThat(this.catalog.nothing("n")).isNull();
		assertThat(this.catalog.calls("nothing")).isEqualTo(1);
	}

	@Test
	void concurrentFuturesOfAColdKeyRunTheMethodOnce() {
		long id = nextId();
		int before = this.catalog.calls("future");
		List<CallResult> outcomes = Stampedes.run(16,
				() -> this.catalog.future(id).get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS));
		assertThat(this.catalog.calls("future") - before).isEqualTo(1);
		assertThat(outcomes).extracting(CallResult::value).containsOnly("future-" + id);
	}

	@Test
	void aTtlInConfigurationWinsOverTheAnnotation() {
		long id = nextId();
		String first = this.catalog.configuredTtl(id);
		assertThat(this.catalog.configuredTtl(id)).isEqualTo(first);
		await().atMost(Duration.ofSeconds(6))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> !this.catalog.configuredTtl(id).equals(first));
	}

	@Test
	void aTtlOnTheAnnotationWinsOverTheDefaults() {
		long id = nextId();
		String first = this.catalog.annotatedTtl(id);
		assertThat(this.catalog.annotatedTtl(id)).isEqualTo(first);
		await().atMost(Duration.ofSeconds(6))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> !this.catalog.annotatedTtl(id).equals(first));
	}

	@Test
	void aMethodsExceptionReachesTheCallerUnchangedAndIsNotCached() {
		long id = nextId();
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.catalog.failing(id))
			.withMessage("database unavailable for " + id);
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.catalog.failing(id));
		assertThat(this.catalog.calls("failing")).isEqualTo(2);
	}

	@Test
	void evictionMakesTheNextCallRunTheMethod() throws Exception {
		long id = nextId();
		int before = this.catalog.calls("product");
		this.catalog.product(id);
		this.catalog.update(id);
		this.catalog.product(id);
		assertThat(this.catalog.calls("product") - before).isEqualTo(2);
		assertThat(this.catalog.calls("update")).isPositive();
	}

	@Test
	void evictingAllEntriesMakesEveryKeyLoadAgain() throws Exception {
		long first = nextId();
		long second = nextId();
		int before = this.catalog.calls("product");
		this.catalog.product(first);
		this.catalog.product(second);
		this.catalog.clearProducts();
		this.catalog.product(first);
		this.catalog.product(second);
		assertThat(this.catalog.calls("product") - before).isEqualTo(4);
	}

	@Test
	void anEvictionBeforeInvocationHappensEvenWhenTheMethodThrows() throws Exception {
		long id = nextId();
		int before = this.catalog.calls("product");
		this.catalog.product(id);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.catalog.failingUpdate(id));
		this.catalog.product(id);
		assertThat(this.catalog.calls("product") - before).isEqualTo(2);
	}

	@Test
	void aStaleValueIsServedAtOnceAndRefreshedInTheBackground() throws Exception {
		long id = nextId();
		String first = this.catalog.staleServed(id);
		Thread.sleep(400);
		assertThat(this.catalog.staleServed(id)).isEqualTo(first);
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> !this.catalog.staleServed(id).equals(first));
	}

	// Read as the String the methods that tests look up return: the json codec reads only a declared type.
	Slot stored(String cache, Object key) {
		return this.stampede.inspection().backend().read(this.stampede.inspection().backendKey(cache, key),
				String.class);
	}

	static synchronized long nextId() {
		return nextId++;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class CatalogApplication {

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

	}

}
