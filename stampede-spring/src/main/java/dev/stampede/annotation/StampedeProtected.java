package dev.stampede.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches a method's result and makes sure that, on a miss, only one caller across
 * every JVM that shares the backend calls the method; the others wait for its value.
 * <p>
 * Durations are Spring duration strings ({@code 30s}, {@code 5m}, {@code PT1M}) and
 * may hold {@code ${...}} placeholders. An empty attribute takes its value from
 * configuration. Precedence, highest first: {@code stampede.caches.<cache>.*}, this
 * annotation, {@code stampede.defaults.*}.
 * <p>
 * Supported return types: any value (including {@code null}), {@code Optional<T>}
 * (the content is cached) and {@code CompletableFuture<T>} (the result is cached
 * when the future completes).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface StampedeProtected {

	/** Logical cache name, which selects the per-cache settings. */
	String cache();

	/**
	 * SpEL expression over the arguments ({@code #id}, {@code #p0}, {@code #a0},
	 * {@code #root.methodName}); by default, all arguments.
	 */
	String key() default "";

	/** How long a value is fresh. */
	String ttl() default "";

	/**
	 * After {@code ttl}, how much longer a stale value may be served while one caller
	 * refreshes it.
	 */
	String staleTtl() default "";

	/** How long a lease lives if its holder dies without releasing it. */
	String leaseTtl() default "";

	/** How long a caller that lost the lease waits for the winner's value. */
	String maxWait() default "";

	/**
	 * After {@code ttl} and {@code staleTtl}, how much longer a value is kept as the
	 * fallback of a load that fails or passes {@code hardTimeout}.
	 */
	String failSafeTtl() default "";

	/** How long a fallback served after a failed load stays fresh before the next load. */
	String failSafeThrottle() default "";

	/**
	 * How long callers wait for a load that has a fallback before they get the fallback;
	 * set, the method runs on one of Stampede's threads, without the caller's thread-locals.
	 */
	String softTimeout() default "";

	/**
	 * How long callers wait for any load before they get the fallback or a
	 * {@code StampedeTimeoutException}; set, the method runs on one of Stampede's threads,
	 * without the caller's thread-locals.
	 */
	String hardTimeout() default "";

	/** SpEL expression that must be true for the call to be protected and cached. */
	String condition() default "";

	/** SpEL expression over {@code #result}; when true, the result is returned but not cached. */
	String unless() default "";

}
