package dev.stampede.interceptor;

import dev.stampede.Stampede;
import dev.stampede.annotation.StampedeEvict;
import dev.stampede.annotation.StampedeProtected;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.EmbeddedValueResolver;

/**
 * Proxies beans with {@code @StampedeProtected} or {@code @StampedeEvict} methods.
 * Works without Spring Boot's auto-proxy creator, so {@code spring.aop.auto=false}
 * does not switch Stampede off.
 */
public class StampedeAnnotationBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

	private final ObjectProvider<Stampede> stampede;

	private @Nullable StampedeInterceptor interceptor;

	/** Creates a post-processor that looks the engine up on first use. */
	public StampedeAnnotationBeanPostProcessor(ObjectProvider<Stampede> stampede) {
		this.stampede = stampede;
		setProxyTargetClass(true);
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
		this.advisor = new DefaultPointcutAdvisor(pointcut, this.interceptor);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		boolean eligible = isEligible(bean, beanName);
		Object result = super.postProcessAfterInitialization(bean, beanName);
		if (eligible && this.interceptor != null) {
			this.interceptor.prepare(AopUtils.getTargetClass(bean));
		}
		return result;
	}

}
