package dev.stampede.interceptor;

import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.expression.Expression;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.CompoundExpression;
import org.springframework.expression.spel.ast.Indexer;
import org.springframework.expression.spel.ast.IntLiteral;
import org.springframework.expression.spel.ast.PropertyOrFieldReference;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.support.ReflectivePropertyAccessor;
import org.springframework.util.ReflectionUtils;

/**
 * A key expression of a simple form read straight from a call's arguments, so that a
 * call builds no evaluation context: {@code #name}, {@code #p0}, {@code #a0},
 * {@code #root.args[0]}, each optionally followed by a chain of properties such as
 * {@code #user.address.city}. Variables are bound to arguments exactly as
 * {@link org.springframework.context.expression.MethodBasedEvaluationContext} binds
 * them, and each property is read through the getter or public field that SpEL's
 * {@link ReflectivePropertyAccessor} picks for the value's runtime class, so the key
 * is the object SpEL would return.
 * <p>
 * Whatever SpEL treats in a way of its own (a {@code null} or a {@code Class} or
 * an array part way along the path, a property that is not there, a getter that
 * throws) reads as {@link #UNRESOLVED}, and that call is evaluated by SpEL, which
 * answers or fails as it always did. A getter that threw is then called again.
 */
final class CompiledKey {

	/** What {@link #read} returns when this call is left to SpEL. */
	static final Object UNRESOLVED = new Object();

	private static final Object[] NO_ARGUMENTS = {};

	private final int index;

	private final int parameterCount;

	private final Property[] path;

	private CompiledKey(int index, int parameterCount, Property[] path) {
		this.index = index;
		this.parameterCount = parameterCount;
		this.path = path;
	}

	/**
	 * Compiles {@code expression} for calls of {@code method}.
	 * @param names the parameter names the evaluation context would bind, or {@code null} when unknown
	 * @return the compiled key, or {@code null} when the expression is not of a simple form
	 */
	static @Nullable CompiledKey compile(Expression expression, Method method, @Nullable String @Nullable [] names) {
		if (!(expression instanceof SpelExpression spel)) {
			return null;
		}
		List<SpelNode> parts = parts(spel.getAST());
		if (!(parts.get(0) instanceof VariableReference variable)) {
			return null;
		}
		String name = variable.toStringAST().substring(1);
		int parameterCount = (names != null) ? names.length : method.getParameterCount();
		int next = 1;
		int index;
		if (name.equals("root")) {
			index = rootArgument(parts);
			next = 3;
		}
		else {
			index = argumentIndex(name, parameterCount, names);
		}
		if (index < 0 || index >= parameterCount || parameterCount != method.getParameterCount()) {
			return null;
		}
		List<Property> path = new ArrayList<>();
		for (int i = next; i < parts.size(); i++) {
			if (!(parts.get(i) instanceof PropertyOrFieldReference property) || property.isNullSafe()) {
				return null;
			}
			path.add(new Property(property.getName()));
		}
		return new CompiledKey(index, parameterCount, path.toArray(Property[]::new));
	}

	private static List<SpelNode> parts(SpelNode ast) {
		if (!(ast instanceof CompoundExpression)) {
			return List.of(ast);
		}
		List<SpelNode> parts = new ArrayList<>();
		for (int i = 0; i < ast.getChildCount(); i++) {
			parts.add(ast.getChild(i));
		}
		return parts;
	}

	// #root.args[N], the arguments array of the root object indexed by a literal.
	private static int rootArgument(List<SpelNode> parts) {
		if (parts.size() < 3 || !(parts.get(1) instanceof PropertyOrFieldReference args)
				|| !args.getName().equals("args") || args.isNullSafe()
				|| !(parts.get(2) instanceof Indexer indexer) || indexer.isNullSafe() || indexer.getChildCount() != 1
				|| !(indexer.getChild(0) instanceof IntLiteral literal)
				|| !(literal.getLiteralValue().getValue() instanceof Integer index)) {
			return -1;
		}
		return index;
	}

	// The argument the evaluation context binds to a variable: a0 and p0 and the parameter's
	// name, set in that order for each parameter, so that a later binding wins.
	private static int argumentIndex(String variable, int parameterCount, @Nullable String @Nullable [] names) {
		int bound = -1;
		for (int i = 0; i < parameterCount; i++) {
			if (variable.equals("a" + i) || variable.equals("p" + i)
					|| (names != null && variable.equals(names[i]))) {
				bound = i;
			}
		}
		return bound;
	}

	/**
	 * The key of a call with {@code args}: the argument, or the end of the property path
	 * on it, possibly {@code null}; or {@link #UNRESOLVED} when SpEL is to evaluate it.
	 */
	@Nullable Object read(Object[] args) {
		if (args.length != this.parameterCount) {
			return UNRESOLVED;
		}
		Object value = args[this.index];
		for (Property property : this.path) {
			if (value == null) {
				return UNRESOLVED;
			}
			value = property.read(value);
			if (value == UNRESOLVED) {
				return UNRESOLVED;
			}
		}
		return value;
	}

	/** One property of the path, with the member that reads it on each class it met. */
	private static final class Property {

		private final ClassValue<Reader> readers;

		Property(String name) {
			this.readers = new ClassValue<>() {

				@Override
				protected Reader computeValue(Class<?> type) {
					return Reader.of(type, name);
				}

			};
		}

		@Nullable Object read(Object target) {
			return this.readers.get(target.getClass()).read(target);
		}

	}

	private record Reader(@Nullable Member member) {

		private static final MemberFinder finder = new MemberFinder();

		static Reader of(Class<?> type, String name) {
			// SpEL reads a Class's static members and an array's length: its own way, left to it.
			if (type == Class.class || type.isArray()) {
				return new Reader(null);
			}
			try {
				return new Reader(finder.find(type, name));
			}
			catch (RuntimeException ex) {
				return new Reader(null);
			}
		}

		@Nullable Object read(Object target) {
			try {
				if (this.member instanceof Method method) {
					return method.invoke(target, NO_ARGUMENTS);
				}
				if (this.member instanceof Field field) {
					return field.get(target);
				}
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				return UNRESOLVED;
			}
			return UNRESOLVED;
		}

	}

	// SpEL's own search for a property's getter, then its public field, so that both pick
	// the same member.
	private static final class MemberFinder extends ReflectivePropertyAccessor {

		@Nullable Member find(Class<?> type, String name) {
			Method getter = findGetterForProperty(name, type, false);
			if (getter != null) {
				ReflectionUtils.makeAccessible(getter);
				return getter;
			}
			Field field = findField(name, type, false);
			if (field != null) {
				ReflectionUtils.makeAccessible(field);
			}
			return field;
		}

	}

}
