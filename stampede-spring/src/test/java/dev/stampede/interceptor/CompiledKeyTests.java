package dev.stampede.interceptor;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.stampede.CacheKeys;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.expression.Expression;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compiled key expressions give the key SpEL gives, or leave the call to SpEL.
 */
class CompiledKeyTests {

	private static final Method METHOD = ReflectionUtils.findMethod(Fixture.class, "find", String.class, int.class,
			Object.class, Object[].class, long[].class, Bean.class);

	private final StampedeExpressionEvaluator evaluator = new StampedeExpressionEvaluator();

	private static final User ADA = new User("ada", new Address("London"), 36);

	private static final Bean BEAN = new Bean("b-1", "c,2", true);

	static Stream<Arguments> forms() {
		List<Arguments> rows = new ArrayList<>();
		Object[][] calls = { { "p1", 7, ADA, new Object[] { "x", null }, new long[] { 3, 4 }, BEAN },
				{ null, -300, null, null, null, null }, { "a,b\\c", 0, new User(null, null, 0), new Object[0],
						new long[0], new Bean(null, null, false) } };
		String[] expressions = { "#id", "#p0", "#a0", "#count", "#p1", "#a1", "#user", "#extra", "#numbers",
				"#root.args[0]", "#root.args[1]", "#root.args[2].name", "#user.name", "#p2.age",
				"#a2.address.city", "#user.address", "#bean.id", "#bean.code", "#bean.active", "#p5.id" };
		for (Object[] call : calls) {
			for (String expression : expressions) {
				rows.add(Arguments.of(expression, call));
			}
		}
		return rows.stream();
	}

	@ParameterizedTest(name = "{0} of {1}")
	@MethodSource("forms")
	void aCompiledKeyIsTheKeySpelGives(String expression, Object[] args) {
		Expression parsed = parse(expression);
		CompiledKey compiled = this.evaluator.compile(parsed, METHOD);
		assertThat(compiled).as("compiled form of %s", expression).isNotNull();
		String bySpel = outcome(() -> spel(parsed, args));
		Object direct = compiled.read(args);
		if (direct == CompiledKey.UNRESOLVED) {
			// Left to SpEL: only where SpEL has something of its own to say.
			assertThat(bySpel).startsWith("error: ");
		}
		else {
			assertThat(outcome(() -> direct)).isEqualTo(bySpel);
		}
	}

	@Test
	void theTableReadsMostKeysDirectlyAndLeavesNullsAlongAPathToSpel() {
		Object[] nulls = { null, 1, null, null, null, new Bean(null, null, false) };
		assertThat(read("#root.args[2].name", nulls)).isSameAs(CompiledKey.UNRESOLVED);
		assertThat(outcome(() -> spel(parse("#root.args[2].name"), nulls)))
			.isEqualTo("error: Could not evaluate key expression '#root.args[2].name' on Fixture.find: EL1007E: "
					+ "Property or field 'name' cannot be found on null");
		assertThat(read("#a2.address.city", new Object[] { "p", 1, new User("u", null, 1), null, null, null }))
			.isSameAs(CompiledKey.UNRESOLVED);
		assertThat(read("#id", nulls)).isNull();
		assertThat(read("#bean.id", nulls)).isNull();
		assertThat(read("#a2.address.city", new Object[] { "p", 1, ADA, null, null, null })).isEqualTo("London");
		assertThat(read("#p5.id", new Object[] { "p", 1, null, null, null, BEAN })).isEqualTo("b-1");
	}

	@Test
	void aPropertyThatTheRuntimeClassLacksIsLeftToSpel() {
		Object[] args = { "p", 1, "not a user", null, null, null };
		assertThat(read("#user.name", args)).isSameAs(CompiledKey.UNRESOLVED);
		assertThat(outcome(() -> spel(parse("#user.name"), args))).startsWith("error: ").contains("EL1008E");
	}

	@Test
	void anArraysLengthIsLeftToSpel() {
		Object[] args = { "p", 1, null, null, new long[] { 3, 4 }, null };
		assertThat(read("#numbers.length", args)).isSameAs(CompiledKey.UNRESOLVED);
		assertThat(spel(parse("#numbers.length"), args)).isEqualTo(2);
	}

	@Test
	void aGetterThatThrowsIsLeftToSpelWhichReportsIt() {
		Object[] args = { "p", 1, new Failing(), null, null, null };
		assertThat(read("#user.name", args)).isSameAs(CompiledKey.UNRESOLVED);
		assertThat(outcome(() -> spel(parse("#user.name"), args))).startsWith("error: ").contains("EL1021E");
	}

	@Test
	void aParameterNamedLikeAnIndexVariableIsBoundAsTheEvaluationContextBindsIt() {
		Method method = ReflectionUtils.findMethod(Shadowing.class, "find", String.class, String.class);
		Object[] args = { "first", "second" };
		for (String expression : List.of("#p1", "#a1", "#p0", "#other")) {
			Expression parsed = parse(expression);
			CompiledKey compiled = this.evaluator.compile(parsed, method);
			assertThat(compiled).isNotNull();
			assertThat(compiled.read(args)).as(expression)
				.isEqualTo(StampedeExpressionEvaluator.evaluate(parsed, this.evaluator.createContext(
						new StampedeExpressionRootObject(method, args, new Shadowing(), Shadowing.class), method,
						null), "key", "Shadowing.find"));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "#id + '-x'", "#id.toUpperCase()", "T(java.lang.String).valueOf(#count)",
			"#root.methodName", "#root.method.name", "#root.targetClass", "#user?.name", "#root.args[#count]",
			"#root.args", "#root.args[9]", "'literal'", "#this", "{#id, #count}", "#user['name']", "#id ?: 'x'",
			"#count > 1 ? #id : 'y'", "#user.name.length()", "#p9", "#unknownButParsed" })
	void otherExpressionsAreLeftToSpel(String expression) {
		assertThat(this.evaluator.compile(parse(expression), METHOD)).isNull();
	}

	private @Nullable Object read(String expression, Object[] args) {
		CompiledKey compiled = this.evaluator.compile(parse(expression), METHOD);
		assertThat(compiled).isNotNull();
		return compiled.read(args);
	}

	private Expression parse(String expression) {
		return this.evaluator.parse(expression, new AnnotatedElementKey(METHOD, Fixture.class), "key", "Fixture.find");
	}

	private @Nullable Object spel(Expression expression, Object[] args) {
		StampedeExpressionRootObject root = new StampedeExpressionRootObject(METHOD, args, new Fixture(),
				Fixture.class);
		return StampedeExpressionEvaluator.evaluate(expression, this.evaluator.createContext(root, METHOD, null), "key",
				"Fixture.find");
	}

	// The key string a cache would use, or the message a caller would see.
	private static String outcome(KeySource source) {
		try {
			Object key = source.key();
			return (key != null) ? "key: " + CacheKeys.stringForm(key) + " (" + key.getClass().getName() + ")"
					: "null";
		}
		catch (RuntimeException ex) {
			return "error: " + ex.getMessage();
		}
	}

	@FunctionalInterface
	private interface KeySource {

		@Nullable Object key();

	}

	static class Fixture {

		public String find(String id, int count, Object user, Object[] extra, long[] numbers, Bean bean) {
			return id;
		}

	}

	static class Shadowing {

		public String find(String p1, String other) {
			return p1;
		}

	}

	record Address(String city) {
	}

	record User(@Nullable String name, @Nullable Address address, int age) {
	}

	static class Failing {

		public String getName() {
			throw new IllegalStateException("no name today");
		}

	}

	/** A getter, a public field and a boolean read through {@code is}. */
	public static class Bean {

		private final @Nullable String id;

		public final @Nullable String code;

		private final boolean active;

		Bean(@Nullable String id, @Nullable String code, boolean active) {
			this.id = id;
			this.code = code;
			this.active = active;
		}

		public @Nullable String getId() {
			return this.id;
		}

		public boolean isActive() {
			return this.active;
		}

		@Override
		public String toString() {
			return "Bean " + this.id;
		}

	}

}
