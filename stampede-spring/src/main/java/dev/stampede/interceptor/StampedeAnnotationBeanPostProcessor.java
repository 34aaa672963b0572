package dev.stampede.interceptor;

import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.stampede.Stampede;
import dev.stampede.annotation.StampedeEvict;
import dev.stampede.annotation.StampedeProtected;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.aop.Advisor;
import org.springframework.aop.Pointcut;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.EmbeddedValueResolver;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Proxies beans with {@code @StampedeProtected} or {@code @StampedeEvict} methods.
 * Works without Spring Boot's auto-proxy creator, so {@code spring.aop.auto=false}
 * does not switch Stampede off.
 */
public class StampedeAnnotationBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	private final ObjectProvider<Stampede> stampede;

	private static final Logger logger = LoggerFactory.getLogger(StampedeAnnotationBeanPostProcessor.class);

	private final Set<Class<?>> inspected = ConcurrentHashMap.newKeySet();

	private @Nullable StampedeInterceptor interceptor;

	private @Nullable Integer advisorOrder;

	private Pointcut pointcut = Pointcut.TRUE;

	/**
	 * Creates a post-processor that looks the engine up on first use. Its advice runs
	 * outside every other advice already on a bean, such as a transaction's, so that
	 * cache hits and waiting callers never open a transaction or take a connection.
	 */
	public StampedeAnnotationBeanPostProcessor(ObjectProvider<Stampede> stampede) {
		this.stampede = stampede;
		setProxyTargetClass(true);
		setBeforeExistingAdvisors(true);
	}

	/**
	 * Places Stampede's advice among the advice already on a bean by its order rather
	 * than outside all of it: advice with a lower order value runs outside Stampede's.
	 * A transaction's advice has the lowest precedence unless configured otherwise.
	 * @param order the order, or {@code null} to run outside every other advice
	 */
	public void setAdvisorOrder(@Nullable Integer order) {
		this.advisorOrder = order;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		this.interceptor = new StampedeInterceptor(this.stampede::getObject, beanFactory,
				(beanFactory instanceof ConfigurableBeanFactory configurable) ? new EmbeddedValueResolver(configurable)
						: null);
		ComposablePointcut pointcut = new ComposablePointcut(
				new AnnotationMatchingPointcut(null, StampedeProtected.class, true))
			.union(new AnnotationMatchingPointcut(null, StampedeEvict.class, true));
		this.pointcut = pointcut;
		this.advisor = new DefaultPointcutAdvisor(pointcut, this.interceptor);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.inspected.add(targetClass)) {
			warnOfMethodsTheProxyCannotIntercept(targetClass);
		}
		boolean eligible = isEligible(bean, beanName);
		Object result = (eligible && this.advisorOrder != null && bean instanceof Advised advised
				&& !advised.isFrozen()) ? addInOrder(advised, this.advisorOrder)
						: super.postProcessAfterInitialization(bean, beanName);
		if (eligible && this.interceptor != null) {
			this.interceptor.prepare(targetClass);
		}
		return result;
	}

	private Object addInOrder(Advised advised, int order) {
		Advisor[] existing = advised.getAdvisors();
		int position = 0;
		while (position < existing.length && orderOf(existing[position]) <= order) {
			position++;
		}
		DefaultPointcutAdvisor ordered = new DefaultPointcutAdvisor(this.pointcut, this.interceptor);
		ordered.setOrder(order);
		advised.addAdvisor(position, ordered);
		return advised;
	}

	private static int orderOf(Advisor advisor) {
		return (advisor instanceof Ordered ordered) ? ordered.getOrder() : Ordered.LOWEST_PRECEDENCE;
	}

	// A proxy intercepts public and protected instance methods only: an annotation on any
	// other method would be silently ignored on every call.
	private static void warnOfMethodsTheProxyCannotIntercept(Class<?> targetClass) {
		ReflectionUtils.doWithMethods(targetClass, (method) -> {
			int modifiers = method.getModifiers();
			String kind = Modifier.isPrivate(modifiers) ? "private" : Modifier.isStatic(modifiers) ? "static"
					: Modifier.isFinal(modifiers) ? "final" : null;
			if (kind == null) {
				return;
			}
			String annotation = AnnotatedElementUtils.hasAnnotation(method, StampedeProtected.class)
					? "@StampedeProtected" : "@StampedeEvict";
			logger.warn("{} on {}.{} has no effect: a Spring proxy cannot intercept a {} method, so every call runs "
					+ "unprotected. Make it public (or protected) and neither final nor static, and call it through "
					+ "the bean, not from within its own class", annotation, ClassUtils.getShortName(targetClass),
					method.getName(), kind);
		}, StampedeInterceptor::isAnnotated);
	}

}
