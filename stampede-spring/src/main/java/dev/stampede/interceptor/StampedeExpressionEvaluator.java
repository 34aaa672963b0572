package dev.stampede.interceptor;

import java.lang.reflect.Method;
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
