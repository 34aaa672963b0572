package dev.stampede.autoconfigure;

import dev.stampede.autoconfigure.StampedeProperties.Backend;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * The condition of {@link ConditionalOnStampedeBackend}. Evaluated when beans are
 * registered, after Boot's Redis auto-configuration, so that the application's Redis
 * connection is known.
 */
class OnStampedeBackendCondition extends SpringBootCondition implements ConfigurationCondition {

	private static final String REDIS_CONNECTION_FACTORY = "org.springframework.data.redis.connection.RedisConnectionFactory";

	@Override
	public ConfigurationPhase getConfigurationPhase() {
		return ConfigurationPhase.REGISTER_BEAN;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Backend required = metadata.getAnnotations().get(ConditionalOnStampedeBackend.class).getEnum("value",
				Backend.class);
		ConditionMessage.Builder message = ConditionMessage.forCondition(ConditionalOnStampedeBackend.class,
				"(" + required + ")");
		Binder binder = Binder.get(context.getEnvironment());
		BindResult<Backend> configured;
		try {
			configured = binder.bind("stampede.backend", Backend.class);
		}
		catch (BindException ex) {
			// Binding StampedeProperties reports the value and the choices.
			return ConditionOutcome.noMatch(message.because("stampede.backend names no backend"));
		}
		if (configured.isBound()) {
			return (configured.get() == required) ? ConditionOutcome.match(message.because("stampede.backend names it"))
					: ConditionOutcome.noMatch(message.because("stampede.backend is " + configured.get()));
		}
		Backend chosen = choose(binder, context);
		String because = chosen + " is chosen when stampede.backend is not set";
		return (chosen == required) ? ConditionOutcome.match(message.because(because))
				: ConditionOutcome.noMatch(message.because(because));
	}

	private static Backend choose(Binder binder, ConditionContext context) {
		if (StringUtils.hasText(binder.bind("stampede.memcached.servers", String.class).orElse(null))) {
			return Backend.MEMCACHED;
		}
		return hasRedisConnection(context) ? Backend.REDIS : Backend.LOCAL;
	}

	private static boolean hasRedisConnection(ConditionContext context) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (beanFactory == null || !ClassUtils.isPresent(REDIS_CONNECTION_FACTORY, context.getClassLoader())) {
			return false;
		}
		Class<?> type = ClassUtils.resolveClassName(REDIS_CONNECTION_FACTORY, context.getClassLoader());
		return beanFactory.getBeanNamesForType(type, true, false).length > 0;
	}

}
