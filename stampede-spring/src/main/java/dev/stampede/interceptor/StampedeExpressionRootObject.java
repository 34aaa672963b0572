package dev.stampede.interceptor;

import java.lang.reflect.Method;

/**
 * The {@code #root} object of key, condition and unless expressions.
 */
public final class StampedeExpressionRootObject {

	private final Method method;

	private final Object[] args;

	private final Object target;

	private final Class<?> targetClass;

	StampedeExpressionRootObject(Method method, Object[] args, Object target, Class<?> targetClass) {
		this.method = method;
		this.args = args;
		this.target = target;
		this.targetClass = targetClass;
	}

	/** The method being called. */
	public Method getMethod() {
		return this.method;
	}

	/** Name of the method being called. */
	public String getMethodName() {
		return this.method.getName();
	}

	/** Arguments of the call. */
	public Object[] getArgs() {
		return this.args;
	}

	/** The bean being called. */
	public Object getTarget() {
		return this.target;
	}

	/** Class of the bean being called. */
	public Class<?> getTargetClass() {
		return this.targetClass;
	}

}
