package dev.stampede;

import org.jspecify.annotations.Nullable;

/**
 * Computes the value of a key on a cache miss: the expensive call Stampede protects.
 *
 * @param <T> the value type
 * @param <E> the checked exception the loader may throw, passed on to the caller unchanged
 */
@FunctionalInterface
public interface Loader<T, E extends Throwable> {

	/**
	 * Computes the value.
	 * @return the value, possibly {@code null}
	 * @throws E when the computation fails; nothing is cached then
	 */
	@Nullable T load() throws E;

}
