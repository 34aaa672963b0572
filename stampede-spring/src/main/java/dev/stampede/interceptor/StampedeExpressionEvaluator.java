package dev.stampede.interceptor;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.CachedExpressionEvaluator;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;

/**
 * Parses each key, condition and unless expression once per method and evaluates it
 * against a call's arguments, as Spring's cache abstraction does: {@code #p0},
 * {@code #a0}, parameter names, {@code #root} and {@code @beans}.
 */
final class StampedeExpressionEvaluator extends CachedExpressionEvaluator {

	private final Map<ExpressionKey, Expression> expressions = new ConcurrentHashMap<>(64);

	Expression parse(String expression, AnnotatedElementKey element, String attribute, String origin) {
		try {
			return getExpression(this.expressions, element, expression);
		}
		catch (ParseException ex) {
			throw new IllegalStateException("Invalid " + attribute + " expression '" + expression + "' on " + origin
					+ ": " + ex.getMessage() + ". Write SpEL over the arguments, such as #id, #p0, #a0 or "
					+ "#root.methodName", ex);
		}
	}

	/**
	 * Checks that every {@code #name} in {@code expression} names something a call
	 * will have: a parameter of {@code method}, {@code #p0}/{@code #a0} style indexes,
	 * {@code #root} and {@code #this}, and {@code #result} where a result exists. A
	 * misspelt parameter would otherwise evaluate to {@code null} on every call.
	 * @throws IllegalStateException naming the unknown variable, the method and its parameters
	 */
	void checkVariables(Expression expression, Method method, String attribute, String origin, boolean withResult) {
		if (!(expression instanceof SpelExpression spel)) {
			return;
		}
		String[] names = getParameterNameDiscoverer().getParameterNames(method);
		Set<String> known = new LinkedHashSet<>();
		if (names != null) {
			known.addAll(Arrays.asList(names));
		}
		for (String variable : variables(spel.getAST(), new LinkedHashSet<>())) {
			if (known.contains(variable) || isBuiltIn(variable, method.getParameterCount(), withResult)) {
				continue;
			}
			String parameters = (names != null) ? String.join(", ", names)
					: "their names are not known (compile with -parameters), use #p0, #p1…";
			throw new IllegalStateException("Invalid " + attribute + " expression '"
					+ expression.getExpressionString() + "' on " + origin + ": no parameter '" + variable + "' on "
					+ origin + "; parameters: " + (parameters.isEmpty() ? "none" : parameters));
		}
	}

	private static Set<String> variables(SpelNode node, Set<String> found) {
		if (node instanceof VariableReference) {
			found.add(node.toStringAST().substring(1));
		}
		for (int i = 0; i < node.getChildCount(); i++) {
			variables(node.getChild(i), found);
		}
		return found;
	}

	private static boolean isBuiltIn(String variable, int parameterCount, boolean withResult) {
		if (variable.equals("root") || variable.equals("this") || (withResult && variable.equals("result"))) {
			return true;
		}
		if (variable.length() > 1 && (variable.charAt(0) == 'p' || variable.charAt(0) == 'a')) {
			String index = variable.substring(1);
			return index.chars().allMatch(Character::isDigit) && Integer.parseInt(index) < parameterCount;
		}
		return false;
	}

	/**
	 * The direct form of a key expression, when it has one; see {@link CompiledKey}.
	 * @param method the method whose parameters the evaluation context would bind
	 */
	@Nullable CompiledKey compile(Expression key, Method method) {
		return CompiledKey.compile(key, method, getParameterNameDiscoverer().getParameterNames(method));
	}

	EvaluationContext createContext(StampedeExpressionRootObject root, Method targetMethod,
			@Nullable BeanFactory beanFactory) {
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(root, targetMethod, root.getArgs(),
				getParameterNameDiscoverer());
		if (beanFactory != null) {
			context.setBeanResolver(new BeanFactoryResolver(beanFactory));
		}
		return context;
	}

	static @Nullable Object evaluate(Expression expression, EvaluationContext context, String attribute,
			String origin) {
		try {
			return expression.getValue(context);
		}
		catch (EvaluationException ex) {
			throw new IllegalStateException("Could not evaluate " + attribute + " expression '"
					+ expression.getExpressionString() + "' on " + origin + ": " + ex.getMessage(), ex);
		}
	}

	static boolean isTrue(Expression expression, EvaluationContext context, String attribute, String origin) {
		return Boolean.TRUE.equals(evaluate(expression, context, attribute, origin));
	}

}
