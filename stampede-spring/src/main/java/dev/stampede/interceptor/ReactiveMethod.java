package dev.stampede.interceptor;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import dev.stampede.CallSite;
import dev.stampede.Stampede;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.KotlinDetector;
import org.springframework.core.MethodParameter;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * A method that returns a reactive type, such as Reactor's {@code Mono} and
 * {@code Flux} or any other type Spring's {@link ReactiveAdapterRegistry} adapts, or a
 * Kotlin suspending function, which Spring's proxies call through a {@code Mono}.
 * <p>
 * Protected, a single value is cached as itself (an empty one as {@code null}); a
 * stream of values as the list of its elements, replayed to every subscriber, as
 * Spring's cache abstraction does. Nothing happens until a subscription: each
 * subscription resolves the key through {@link Stampede#getAsync}, whose waits run on
 * the engine's scheduler, so no subscriber's thread ever blocks. The method is called,
 * and its publisher subscribed, only by the one caller that loads; that load belongs
 * to no subscriber, so a subscriber that cancels leaves it to the others, and its value
 * is cached. A load that fails, a {@code CancellationException} included, releases its
 * lease at once, and every subscriber that shared it gets the exception the publisher
 * signalled.
 * <p>
 * Evicting, the key is evicted when the method's publisher completes (or, before the
 * invocation, when it is subscribed), not when the method returns it, on a thread that
 * may block.
 * <p>
 * Used only when Reactor is on the class path.
 */
final class ReactiveMethod {

	private static final String FLOW = "kotlinx.coroutines.flow.Flow";

	private static final boolean COROUTINES_REACTOR_PRESENT = ClassUtils.isPresent("kotlinx.coroutines.reactor.MonoKt",
			ReactiveMethod.class.getClassLoader());

	// Null for a suspending function: Spring's proxy turns the Publisher returned here into its result.
	private final @Nullable ReactiveAdapter adapter;

	private final boolean multiValue;

	private final String origin;

	private ReactiveMethod(@Nullable ReactiveAdapter adapter, boolean multiValue, String origin) {
		this.adapter = adapter;
		this.multiValue = multiValue;
		this.origin = origin;
	}

	/**
	 * {@code method} as a reactive method, or {@code null} when it returns no reactive
	 * type and is not a suspending function.
	 * @throws IllegalStateException if it is a suspending function but Spring's proxies
	 * cannot call it through Reactor
	 */
	static @Nullable ReactiveMethod of(Method method, String origin) {
		if (KotlinDetector.isSuspendingFunction(method)) {
			if (!COROUTINES_REACTOR_PRESENT) {
				throw new IllegalStateException(origin + " is a suspending function, which Stampede's annotations "
						+ "handle through Spring's coroutine support: add "
						+ "org.jetbrains.kotlinx:kotlinx-coroutines-reactor to the class path");
			}
			Class<?> returned = new MethodParameter(method, -1).getParameterType();
			return new ReactiveMethod(null, FLOW.equals(returned.getName()), origin);
		}
		ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(method.getReturnType());
		return (adapter != null) ? new ReactiveMethod(adapter, adapter.isMultiValue(), origin) : null;
	}

	/** Whether this is a suspending function, whose last argument is its caller's continuation. */
	boolean isSuspending() {
		return this.adapter == null;
	}

	/**
	 * What is cached, given the method's return type: the element of a single value, a
	 * list of the elements of a stream.
	 */
	ResolvableType cachedType(ResolvableType returned) {
		boolean suspendingSingle = isSuspending() && !this.multiValue;
		ResolvableType element = suspendingSingle ? returned : returned.getGeneric(0);
		if (element == ResolvableType.NONE) {
			element = ResolvableType.forClass(Object.class);
		}
		return this.multiValue ? ResolvableType.forClassWithGenerics(List.class, element) : element;
	}

	/**
	 * The method's result: a publisher of the key's value, adapted to the method's
	 * return type.
	 */
	Object protect(Stampede stampede, CallSite site, Object key, MethodInvocation invocation,
			Predicate<@Nullable Object> storeIf) {
		// suppressCancel: the future is shared by every subscriber of the key; a subscriber
		// that goes away only stops listening.
		Mono<Object> value = Mono.fromFuture(() -> stampede.getAsync(site, key, () -> load(invocation), storeIf),
				true);
		Publisher<?> result = this.multiValue ? value.flatMapIterable((list) -> (List<?>) list) : value;
		return (this.adapter != null) ? this.adapter.fromPublisher(result) : result;
	}

	/**
	 * The method's result, which runs {@code eviction} when it completes without an
	 * error, or, {@code before} the invocation, when it is subscribed.
	 */
	Object evicting(@Nullable Object returned, boolean before, Runnable eviction) {
		// An eviction is a round trip to the backend: never on the thread that subscribes
		// or completes, which may be an event loop.
		Mono<Object> evict = Mono.fromRunnable(eviction).subscribeOn(Schedulers.boundedElastic());
		Publisher<?> publisher = publisher(returned);
		Publisher<?> result;
		if (before) {
			result = this.multiValue ? evict.thenMany(publisher) : evict.then(Mono.from(publisher));
		}
		else if (this.multiValue) {
			result = Flux.<Object>from(publisher).concatWith(evict);
		}
		else {
			result = Mono.<Object>from(publisher)
				.flatMap((value) -> evict.thenReturn(value))
				.switchIfEmpty(evict);
		}
		return (this.adapter != null) ? this.adapter.fromPublisher(result) : result;
	}

	private CompletableFuture<?> load(MethodInvocation invocation) {
		try {
			Publisher<?> publisher = publisher(StampedeInterceptor.proceed(invocation));
			return this.multiValue ? Flux.from(publisher).collectList().toFuture() : Mono.from(publisher).toFuture();
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private Publisher<?> publisher(@Nullable Object returned) {
		if (returned == null) {
			throw new IllegalStateException(this.origin + " returned null instead of a publisher; return an empty "
					+ "one, such as Mono.empty(), for no value");
		}
		return (this.adapter != null) ? this.adapter.toPublisher(returned) : (Publisher<?>) returned;
	}

}
