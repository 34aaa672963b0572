package dev.stampede.interceptor;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.stampede.CacheSettings;
import dev.stampede.CallSite;
import dev.stampede.InvalidSettingException;
import dev.stampede.Stampede;
import dev.stampede.annotation.StampedeEvict;
import dev.stampede.annotation.StampedeProtected;
import dev.stampede.codec.ValueCodec;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.core.KotlinDetector;
import org.springframework.core.MethodClassKey;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.StringValueResolver;
import org.springframework.util.function.SingletonSupplier;

/**
 * Runs {@code @StampedeProtected} methods through the {@link Stampede} engine and
 * evicts keys after {@code @StampedeEvict} methods. Everything that can be worked out
 * from the annotation (expressions, durations, settings) is worked out once per
 * method, on the first call or when the bean is proxied; a key expression of a simple
 * form, such as {@code #id} or {@code #user.id}, becomes a direct read of the
 * arguments, so that a cache hit evaluates no SpEL.
 */
public final class StampedeInterceptor implements MethodInterceptor {

	private static final Logger logger = LoggerFactory.getLogger(StampedeInterceptor.class);

	private static final Object NO_OPERATION = new Object();

	private static final Predicate<@Nullable Object> ALWAYS = (value) -> true;

	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Mono",
			StampedeInterceptor.class.getClassLoader());

	private final SingletonSupplier<Stampede> stampede;

	private final StampedeExpressionEvaluator evaluator = new StampedeExpressionEvaluator();

	private final Map<MethodClassKey, Object> operations = new ConcurrentHashMap<>(64);

	// The operation of a method for the first target class it was called on, found without
	// building a MethodClassKey: a proxy hands the same Method on every call.
	private final Map<Method, Bound> byMethod = new ConcurrentHashMap<>(64);

	private final @Nullable BeanFactory beanFactory;

	private final @Nullable StringValueResolver valueResolver;

	/**
	 * Creates an interceptor.
	 * @param stampede the engine, looked up on first use
	 * @param beanFactory resolves {@code @bean} references in expressions
	 * @param valueResolver resolves {@code ${...}} placeholders in attributes
	 */
	public StampedeInterceptor(Supplier<Stampede> stampede, @Nullable BeanFactory beanFactory,
			@Nullable StringValueResolver valueResolver) {
		this.stampede = SingletonSupplier.of(stampede);
		this.beanFactory = beanFactory;
		this.valueResolver = valueResolver;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopProxyUtils.ultimateTargetClass(target)
				: invocation.getMethod().getDeclaringClass();
		Object operation = operation(invocation.getMethod(), targetClass);
		if (operation instanceof Protect protect) {
			return protect(protect, invocation, target, targetClass);
		}
		if (operation instanceof Evict evict) {
			ReactiveMethod reactive = evict.reactive();
			if (reactive != null) {
				return reactive.evicting(invocation.proceed(), evict.beforeInvocation(),
						() -> evict(evict, invocation, target, targetClass));
			}
			if (evict.beforeInvocation()) {
				evict(evict, invocation, target, targetClass);
				return invocation.proceed();
			}
			Object result = invocation.proceed();
			evict(evict, invocation, target, targetClass);
			return result;
		}
		return invocation.proceed();
	}

	private void evict(Evict evict, MethodInvocation invocation, @Nullable Object target, Class<?> targetClass) {
		EvaluationContext context = evict.needsContext() ? context(evict.method(), invocation, target, targetClass)
				: null;
		if (evict.condition() != null
				&& !StampedeExpressionEvaluator.isTrue(evict.condition(), context, "condition", evict.origin())) {
			return;
		}
		if (evict.allEntries()) {
			this.stampede.obtain().evictAll(evict.cache());
		}
		else {
			this.stampede.obtain().evict(evict.cache(), key(evict.key(), evict.compiledKey(), context, evict.method(),
					evict.reactive(), invocation, target, targetClass, evict.origin()));
		}
	}

	/**
	 * Works out the operations of every annotated method of {@code targetClass} now,
	 * so that a bad expression or duration fails start-up rather than the first call.
	 */
	public void prepare(Class<?> targetClass) {
		ReflectionUtils.doWithMethods(targetClass, (method) -> operationOf(method, targetClass),
				StampedeInterceptor::isAnnotated);
	}

	// Compiler-made methods are left out: a bridge is called through the method it bridges,
	// and the static body Kotlin writes beside an open suspending function
	// (find$suspendImpl) is called by that function, inside the proxy's call.
	static boolean isAnnotated(Method method) {
		return !method.isSynthetic() && (AnnotatedElementUtils.hasAnnotation(method, StampedeProtected.class)
				|| AnnotatedElementUtils.hasAnnotation(method, StampedeEvict.class));
	}

	private @Nullable Object protect(Protect protect, MethodInvocation invocation, @Nullable Object target,
			Class<?> targetClass) throws Throwable {
		EvaluationContext context = protect.needsContext() ? context(protect.method(), invocation, target, targetClass)
				: null;
		if (protect.condition() != null
				&& !StampedeExpressionEvaluator.isTrue(protect.condition(), context, "condition", protect.origin())) {
			return invocation.proceed();
		}
		Object key = key(protect.key(), protect.compiledKey(), context, protect.method(), protect.reactive(),
				invocation, target, targetClass, protect.origin());
		Predicate<@Nullable Object> storeIf = storeIf(protect, context);
		Stampede stampede = this.stampede.obtain();
		return switch (protect.returnKind()) {
			case REACTIVE -> Objects.requireNonNull(protect.reactive())
				.protect(stampede, protect.site(), key, invocation, storeIf);
			case FUTURE -> stampede.getAsync(protect.site(), key, () -> proceedAsync(invocation), storeIf);
			case OPTIONAL -> Optional.ofNullable(stampede.get(protect.site(), key, invocation,
					StampedeInterceptor::proceedUnwrapped, storeIf));
			case VALUE -> stampede.get(protect.site(), key, invocation, StampedeInterceptor::proceed, storeIf);
		};
	}

	// An asynchronous refresh or load proceeds after this call returned, on another thread:
	// a clone of the invocation may be proceeded independently of the original.
	static @Nullable Object proceed(MethodInvocation invocation) throws Throwable {
		MethodInvocation independent = (invocation instanceof ProxyMethodInvocation proxyInvocation)
				? proxyInvocation.invocableClone() : invocation;
		return independent.proceed();
	}

	private static @Nullable Object proceedUnwrapped(MethodInvocation invocation) throws Throwable {
		return unwrapOptional(proceed(invocation));
	}

	private static Predicate<@Nullable Object> storeIf(Protect protect, @Nullable EvaluationContext context) {
		Expression unless = protect.unless();
		if (unless == null || context == null) {
			return ALWAYS;
		}
		return (value) -> {
			context.setVariable("result", value);
			return !StampedeExpressionEvaluator.isTrue(unless, context, "unless", protect.origin());
		};
	}

	private EvaluationContext context(Method method, MethodInvocation invocation, @Nullable Object target,
			Class<?> targetClass) {
		Method targetMethod = AopUtils.getMostSpecificMethod(method, targetClass);
		StampedeExpressionRootObject root = new StampedeExpressionRootObject(method, invocation.getArguments(),
				(target != null) ? target : targetClass, targetClass);
		return this.evaluator.createContext(root, targetMethod, this.beanFactory);
	}

	private Object key(@Nullable Expression expression, @Nullable CompiledKey compiled,
			@Nullable EvaluationContext context, Method method, @Nullable ReactiveMethod reactive,
			MethodInvocation invocation, @Nullable Object target, Class<?> targetClass, String origin) {
		Object[] args = invocation.getArguments();
		if (expression == null) {
			// Always the arguments' joined form (see CacheKeys), whatever their number: a single
			// argument used as itself could take the form of a null or of several arguments. A
			// suspending function's last argument is its caller's continuation, new on every call.
			return (reactive != null && reactive.isSuspending()) ? Arrays.copyOf(args, args.length - 1) : args;
		}
		Object key = (compiled != null) ? compiled.read(args) : CompiledKey.UNRESOLVED;
		if (key == CompiledKey.UNRESOLVED) {
			key = StampedeExpressionEvaluator.evaluate(expression,
					(context != null) ? context : context(method, invocation, target, targetClass), "key", origin);
		}
		if (key == null) {
			throw new IllegalArgumentException("Key expression '" + expression.getExpressionString() + "' on "
					+ origin + " evaluated to null, and a cache key must not be null. Guard the call with a "
					+ "condition, such as condition = \"#id != null\"");
		}
		return key;
	}

	private static CompletionStage<?> proceedAsync(MethodInvocation invocation) {
		try {
			return (CompletionStage<?>) proceed(invocation);
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private static @Nullable Object unwrapOptional(@Nullable Object result) {
		return (result instanceof Optional<?> optional) ? optional.orElse(null) : null;
	}

	private Object operation(Method method, Class<?> targetClass) {
		Bound bound = this.byMethod.get(method);
		if (bound != null && bound.targetClass() == targetClass) {
			return bound.operation();
		}
		Object operation = operationOf(method, targetClass);
		this.byMethod.putIfAbsent(method, new Bound(targetClass, operation));
		return operation;
	}

	private Object operationOf(Method method, Class<?> targetClass) {
		MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
		Object operation = this.operations.get(cacheKey);
		if (operation == null) {
			operation = createOperation(method, targetClass);
			this.operations.put(cacheKey, operation);
		}
		return operation;
	}

	private Object createOperation(Method method, Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		StampedeProtected protect = AnnotatedElementUtils.findMergedAnnotation(specific, StampedeProtected.class);
		StampedeEvict evict = AnnotatedElementUtils.findMergedAnnotation(specific, StampedeEvict.class);
		String origin = describe(specific, targetClass);
		if (protect != null && evict != null) {
			throw new IllegalStateException(origin + " has both @StampedeProtected and @StampedeEvict; a method "
					+ "either reads a cache or evicts from it, so put them on different methods");
		}
		AnnotatedElementKey element = new AnnotatedElementKey(specific, targetClass);
		if (protect != null) {
			return createProtect(protect, method, specific, targetClass, element, origin);
		}
		if (evict != null) {
			Expression key = evict.allEntries() ? null : expression(evict.key(), specific, element, "key", origin);
			return new Evict(method, requireCache(evict.cache(), "@StampedeEvict", origin), key,
					compile(key, specific), expression(evict.condition(), specific, element, "condition", origin),
					evict.allEntries(), evict.beforeInvocation(), reactive(method, origin), origin);
		}
		return NO_OPERATION;
	}

	private Protect createProtect(StampedeProtected protect, Method method, Method specific, Class<?> targetClass,
			AnnotatedElementKey element, String origin) {
		String cache = requireCache(protect.cache(), "@StampedeProtected", origin);
		CacheSettings.Overrides overrides = CacheSettings.Overrides.builder()
			.ttl(duration(protect.ttl(), "ttl", origin))
			.staleTtl(duration(protect.staleTtl(), "staleTtl", origin))
			.leaseTtl(duration(protect.leaseTtl(), "leaseTtl", origin))
			.maxWait(duration(protect.maxWait(), "maxWait", origin))
			.failSafeTtl(duration(protect.failSafeTtl(), "failSafeTtl", origin))
			.failSafeThrottle(duration(protect.failSafeThrottle(), "failSafeThrottle", origin))
			.softTimeout(duration(protect.softTimeout(), "softTimeout", origin))
			.hardTimeout(duration(protect.hardTimeout(), "hardTimeout", origin))
			.build();
		ReactiveMethod reactive = reactive(method, origin);
		ReturnKind returnKind = (reactive != null) ? ReturnKind.REACTIVE : ReturnKind.of(method, origin);
		CallSite site;
		try {
			site = this.stampede.obtain().callSite(cache, overrides, origin,
					returnKind.declaredType(method, targetClass, reactive));
		}
		catch (InvalidSettingException ex) {
			throw new IllegalStateException("Invalid settings for @StampedeProtected " + origin + ": "
					+ ex.getMessage() + ". Fix the annotation or stampede.caches." + cache + ".*", ex);
		}
		warnIfNeverStored(site, origin);
		Expression key = expression(protect.key(), specific, element, "key", origin);
		return new Protect(method, site, key, compile(key, specific),
				expression(protect.condition(), specific, element, "condition", origin),
				expression(protect.unless(), specific, element, "unless", origin), returnKind, reactive, origin);
	}

	// Spring adapts CompletionStage too, but futures keep a path of their own that needs no Reactor.
	private static @Nullable ReactiveMethod reactive(Method method, String origin) {
		Class<?> type = method.getReturnType();
		if (!REACTOR_PRESENT || CompletionStage.class.isAssignableFrom(type) || Optional.class == type) {
			return null;
		}
		return ReactiveMethod.of(method, origin);
	}

	// On the in-process backend any value works, so this would pass in development and
	// return every value uncached in production, where the backend stores bytes.
	private void warnIfNeverStored(CallSite site, String origin) {
		ValueCodec codec = (this.beanFactory != null) ? this.beanFactory.getBeanProvider(ValueCodec.class).getIfUnique()
				: null;
		if (codec == null || this.stampede.obtain().inspection().backend().isInProcess()
				|| codec.canEncode(site.declaredType())) {
			return;
		}
		logger.warn("{} returns {}, which the {} codec cannot store on the {} backend: its values will be returned "
				+ "uncached and loaded on every call. Make it implement java.io.Serializable, or set "
				+ "stampede.codec.format=json", origin, site.declaredType().getTypeName(), codec.id(),
				this.stampede.obtain().inspection().backend().name());
	}

	private String requireCache(String cache, String annotation, String origin) {
		String resolved = resolve(cache);
		if (!StringUtils.hasText(resolved)) {
			throw new IllegalStateException(annotation + " on " + origin + " needs a cache name, such as "
					+ annotation + "(cache = \"products\")");
		}
		return resolved;
	}

	// Parsed and checked against the method's parameters once, so a typo fails start-up.
	private @Nullable Expression expression(String expression, Method method, AnnotatedElementKey element,
			String attribute, String origin) {
		if (!StringUtils.hasText(expression)) {
			return null;
		}
		Expression parsed = this.evaluator.parse(expression, element, attribute, origin);
		this.evaluator.checkVariables(parsed, method, attribute, origin, "unless".equals(attribute));
		return parsed;
	}

	private @Nullable CompiledKey compile(@Nullable Expression key, Method method) {
		return (key != null) ? this.evaluator.compile(key, method) : null;
	}

	private @Nullable Duration duration(String value, String attribute, String origin) {
		if (!StringUtils.hasText(value)) {
			return null;
		}
		String resolved = resolve(value);
		try {
			// The forms of Boot's configuration keys (500ms, 30s, PT1M, a bare number in ms), without Boot.
			return DurationFormatterUtils.detectAndParse(resolved);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid " + attribute + " '" + resolved + "' on @StampedeProtected "
					+ origin + ": expected a duration such as 500ms, 30s, 5m or PT1M", ex);
		}
	}

	private String resolve(String value) {
		String resolved = (this.valueResolver != null) ? this.valueResolver.resolveStringValue(value) : value;
		return (resolved != null) ? resolved : value;
	}

	private static String describe(Method method, Class<?> targetClass) {
		return ClassUtils.getShortName(targetClass) + "." + method.getName() + Arrays.stream(method.getParameterTypes())
			.map(ClassUtils::getShortName)
			.collect(Collectors.joining(", ", "(", ")"));
	}

	private enum ReturnKind {

		VALUE, OPTIONAL, FUTURE, REACTIVE;

		// Not reactive: Reactor is missing, or the type is none Spring adapts.
		static ReturnKind of(Method method, String origin) {
			if (KotlinDetector.isSuspendingFunction(method)) {
				throw new IllegalStateException(origin + " is a suspending function, which @StampedeProtected "
						+ "protects through Reactor: add io.projectreactor:reactor-core and "
						+ "org.jetbrains.kotlinx:kotlinx-coroutines-reactor to the class path");
			}
			Class<?> type = method.getReturnType();
			if (Optional.class == type) {
				return OPTIONAL;
			}
			if (CompletionStage.class.isAssignableFrom(type)) {
				if (!type.isAssignableFrom(CompletableFuture.class)) {
					throw new IllegalStateException("@StampedeProtected supports CompletableFuture and "
							+ "CompletionStage return types, not " + type.getName());
				}
				return FUTURE;
			}
			return VALUE;
		}

		// What is cached: the method's result, the content of its Optional or future, or what
		// its reactive type carries, with its type arguments, and type variables bound by the
		// target class. The codec reads stored values as this type, and no class it does not reach.
		Type declaredType(Method method, Class<?> targetClass, @Nullable ReactiveMethod reactive) {
			ResolvableType returned = ResolvableType.forMethodReturnType(method, targetClass);
			if (reactive != null) {
				return resolved(reactive.cachedType(returned));
			}
			return resolved((this == VALUE) ? returned : returned.getGeneric(0));
		}

		private static Type resolved(ResolvableType type) {
			Class<?> raw = type.toClass();
			if (!type.hasGenerics() || type.isArray()) {
				return raw;
			}
			ResolvableType[] generics = Arrays.stream(type.getGenerics())
				.map((generic) -> ResolvableType.forType(resolved(generic)))
				.toArray(ResolvableType[]::new);
			return ResolvableType.forClassWithGenerics(raw, generics).getType();
		}

	}

	private record Bound(Class<?> targetClass, Object operation) {
	}

	private record Protect(Method method, CallSite site, @Nullable Expression key, @Nullable CompiledKey compiledKey,
			@Nullable Expression condition, @Nullable Expression unless, ReturnKind returnKind,
			@Nullable ReactiveMethod reactive, String origin) {

		boolean needsContext() {
			return (this.key != null && this.compiledKey == null) || this.condition != null || this.unless != null;
		}

	}

	private record Evict(Method method, String cache, @Nullable Expression key, @Nullable CompiledKey compiledKey,
			@Nullable Expression condition, boolean allEntries, boolean beforeInvocation,
			@Nullable ReactiveMethod reactive, String origin) {

		boolean needsContext() {
			return (this.key != null && this.compiledKey == null) || this.condition != null;
		}

	}

}
