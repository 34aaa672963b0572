package dev.stampede.interceptor;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.stampede.Stampede;
import dev.stampede.annotation.StampedeEvict;
import dev.stampede.annotation.StampedeProtected;
import dev.stampede.backend.local.LocalBackend;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Keys of simple expressions, read straight from the arguments, and keys that SpEL
 * evaluates name the same entries, and fail as SpEL fails.
 */
class CompiledKeyInterceptionTests {

	@Test
	void compiledAndEvaluatedKeysOfTheSameValueShareAnEntry() {
		try (AnnotationConfigApplicationContext context = context()) {
			Catalog catalog = context.getBean(Catalog.class);
			Stampede stampede = context.getBean(Stampede.class);
			Item item = new Item("i-1", "Lamp");
			assertThat(catalog.byId("i-1")).isEqualTo("load by id i-1");
			assertThat(catalog.byIndex("i-1")).isEqualTo("load by id i-1");
			assertThat(catalog.byRoot("i-1")).isEqualTo("load by id i-1");
			assertThat(catalog.byProperty(item)).isEqualTo("load by id i-1");
			assertThat(catalog.bySpel("i")).isEqualTo("load by id i-1");
			assertThat(catalog.loads()).containsExactly("byId i-1");
			assertThat(stampede.peek("items", "i-1")).contains(new Stampede.Cached("load by id i-1"));
		}
	}

	@Test
	void anEvictionWithACompiledKeyForgetsTheEntry() {
		try (AnnotationConfigApplicationContext context = context()) {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.byId("i-2");
			catalog.remove(new Item("i-2", "Chair"));
			catalog.byId("i-2");
			assertThat(catalog.loads()).containsExactly("byId i-2", "byId i-2");
		}
	}

	@Test
	void aNullPartWayAlongAPropertyPathFailsWithSpelsMessage() {
		try (AnnotationConfigApplicationContext context = context()) {
			Catalog catalog = context.getBean(Catalog.class);
			assertThatIllegalStateException().isThrownBy(() -> catalog.byProperty(null))
				.withMessage("Could not evaluate key expression '#item.id' on CompiledKeyInterceptionTests.Catalog"
						+ ".byProperty(CompiledKeyInterceptionTests.Item): EL1007E: Property or field 'id' cannot be "
						+ "found on null");
			assertThat(catalog.loads()).isEmpty();
		}
	}

	@Test
	void aCompiledKeyThatIsNullIsRejectedAsAnEvaluatedOneIs() {
		try (AnnotationConfigApplicationContext context = context()) {
			Catalog catalog = context.getBean(Catalog.class);
			assertThatIllegalArgumentException().isThrownBy(() -> catalog.byProperty(new Item(null, "Nameless")))
				.withMessageStartingWith("Key expression '#item.id' on CompiledKeyInterceptionTests.Catalog"
						+ ".byProperty(CompiledKeyInterceptionTests.Item) evaluated to null");
			assertThatIllegalArgumentException().isThrownBy(() -> catalog.byId(null))
				.withMessageStartingWith(
						"Key expression '#id' on CompiledKeyInterceptionTests.Catalog.byId(String) evaluated to null");
		}
	}

	@Test
	void anOptionalResultIsCachedUnderACompiledKey() {
		try (AnnotationConfigApplicationContext context = context()) {
			Catalog catalog = context.getBean(Catalog.class);
			assertThat(catalog.maybe("i-3")).contains("maybe i-3");
			assertThat(catalog.maybe("i-3")).contains("maybe i-3");
			assertThat(catalog.loads()).containsExactly("maybe i-3");
		}
	}

	@Test
	void aHitWithACompiledKeyAllocatesFarLessThanOneEvaluatedBySpel() {
		assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
		try (AnnotationConfigApplicationContext context = context()) {
			Catalog catalog = context.getBean(Catalog.class);
			long compiled = bytesPerHit(() -> catalog.byId("i-4"));
			long evaluated = bytesPerHit(() -> catalog.byIdThroughSpel("i-4"));
			assertThat(catalog.loads()).containsExactly("byId i-4");
			assertThat(compiled).isLessThan(evaluated / 2);
		}
	}

	private static long bytesPerHit(Runnable hit) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		for (int i = 0; i < 20_000; i++) {
			hit.run();
		}
		long before = threads.getCurrentThreadAllocatedBytes();
		for (int i = 0; i < 10_000; i++) {
			hit.run();
		}
		return (threads.getCurrentThreadAllocatedBytes() - before) / 10_000;
	}

	private static AnnotationConfigApplicationContext context() {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.registerBean(StampedeAnnotationBeanPostProcessor.class,
				() -> new StampedeAnnotationBeanPostProcessor(context.getBeanProvider(Stampede.class)));
		context.registerBean(Stampede.class, () -> new Stampede(new LocalBackend(1_000)));
		context.registerBean(Catalog.class);
		context.refresh();
		return context;
	}

	record Item(@Nullable String id, String name) {
	}

	public static class Catalog {

		private final List<String> loads = new ArrayList<>();

		@StampedeProtected(cache = "items", key = "#id")
		public String byId(@Nullable String id) {
			this.loads.add("byId " + id);
			return "load by id " + id;
		}

		@StampedeProtected(cache = "items", key = "#id.toString()")
		public String byIdThroughSpel(String id) {
			this.loads.add("byIdThroughSpel " + id);
			return "load by id through SpEL " + id;
		}

		@StampedeProtected(cache = "items", key = "#p0")
		public String byIndex(String id) {
			this.loads.add("byIndex " + id);
			return "load by index " + id;
		}

		@StampedeProtected(cache = "items", key = "#root.args[0]")
		public String byRoot(String id) {
			this.loads.add("byRoot " + id);
			return "load by root " + id;
		}

		@StampedeProtected(cache = "items", key = "#item.id")
		public String byProperty(@Nullable Item item) {
			this.loads.add("byProperty " + item);
			return "load by property " + item;
		}

		@StampedeProtected(cache = "items", key = "#prefix + '-1'")
		public String bySpel(String prefix) {
			this.loads.add("bySpel " + prefix);
			return "load by spel " + prefix;
		}

		@StampedeProtected(cache = "maybe", key = "#a0")
		public Optional<String> maybe(String id) {
			this.loads.add("maybe " + id);
			return Optional.of("maybe " + id);
		}

		@StampedeEvict(cache = "items", key = "#item.id")
		public void remove(Item item) {
		}

		List<String> loads() {
			return this.loads;
		}

	}

}
