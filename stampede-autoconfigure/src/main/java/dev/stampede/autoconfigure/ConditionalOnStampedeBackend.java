package dev.stampede.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches the configuration of the backend in use: the one {@code stampede.backend}
 * names or, when it is not set, memcached if {@code stampede.memcached.servers} is
 * set, else redis if the application has a {@code RedisConnectionFactory}, else
 * local.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnStampedeBackendCondition.class)
@interface ConditionalOnStampedeBackend {

	/** The backend a configuration sets up. */
	StampedeProperties.Backend value();

}
