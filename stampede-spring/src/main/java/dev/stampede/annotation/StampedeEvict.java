package dev.stampede.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Evicts a key after the method returns normally (or before it runs), and ends any
 * lease on it: the next reader loads fresh data, and a value computed before the
 * eviction is never written.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface StampedeEvict {

	/** Logical cache name. */
	String cache();

	/** SpEL expression over the arguments; by default, all arguments. */
	String key() default "";

	/** SpEL expression that must be true for the key to be evicted. */
	String condition() default "";

	/** Whether to evict every entry of the cache rather than one key; {@code key} is then ignored. */
	boolean allEntries() default false;

	/**
	 * Whether to evict before the method runs, so that the eviction happens even if it
	 * throws; by default the eviction follows a normal return only.
	 */
	boolean beforeInvocation() default false;

}
