package dev.stampede;

import org.jspecify.annotations.Nullable;

/**
 * A {@link Loader} that is handed what it needs on each call rather than capturing
 * it: a static method or a lambda that captures nothing is created once, so a cache
 * hit creates no loader at all.
 *
 * @param <A> what the loader is handed, such as the intercepted call
 * @param <T> the value type
 * @param <E> the checked exception the loader may throw, passed on to the caller unchanged
 * @see Stampede#get(CallSite, Object, Object, ArgumentLoader, java.util.function.Predicate)
 */
@FunctionalInterface
public interface ArgumentLoader<A, T, E extends Throwable> {

	/**
	 * Computes the value from {@code argument}.
	 * @return the value, possibly {@code null}
	 * @throws E when the computation fails; nothing is cached then
	 */
	@Nullable T load(A argument) throws E;

}
