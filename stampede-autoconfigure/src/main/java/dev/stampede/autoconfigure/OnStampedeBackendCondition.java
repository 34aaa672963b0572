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
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The condition of {@link ConditionalOnStampedeBackend}. Evaluated when beans are
 * registered, after Boot's Redis auto-configuration, so that the application's Redis
 * connection is known.
 */
class OnStampedeBackendCondition extends SpringBootCondition implements ConfigurationCondition {

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
			return outcome(configured.get() == required, message.because("stampede.backend is " + configured.get()));
		}
		Backend chosen = choose(binder, context);
		return outcome(chosen == required, message.because(chosen + " is chosen when stampede.backend is not set"));
	}

	/** Why {@code backend} serves this application, for the start-up line. */
	static String reason(Environment environment, Backend backend) {
		if (environment.getProperty("stampede.backend") != null) {
			return "because stampede.backend is " + environment.getProperty("stampede.backend");
		}
		return switch (backend) {
			case MEMCACHED -> "because stampede.memcached.servers is set";
			case REDIS -> "because the application has a RedisConnectionFactory and stampede.backend and "
					+ "stampede.memcached.servers are not set";
			case LOCAL -> "the default, as stampede.backend is not set and there are neither memcached servers nor a "
					+ "Redis connection";
		};
	}

	private static ConditionOutcome outcome(boolean match, ConditionMessage message) {
		return match ? ConditionOutcome.match(message) : ConditionOutcome.noMatch(message);
	}

	private static Backend choose(Binder binder, ConditionContext context) {
		if (StringUtils.hasText(binder.bind("stampede.memcached.servers", String.class).orElse(null))) {
			return Backend.MEMCACHED;
		}
		return hasRedisConnection(context) ? Backend.REDIS : Backend.LOCAL;
	}

	private static boolean hasRedisConnection(ConditionContext context) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		String connectionFactory = RedisBackendConfiguration.CONNECTION_FACTORY;
		if (beanFactory == null || !ClassUtils.isPresent(connectionFactory, context.getClassLoader())) {
			return false;
		}
		Class<?> type = ClassUtils.resolveClassName(connectionFactory, context.getClassLoader());
		return beanFactory.getBeanNamesForType(type, true, false).length > 0;
	}

}
