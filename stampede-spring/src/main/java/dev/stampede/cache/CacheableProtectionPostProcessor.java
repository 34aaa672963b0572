package dev.stampede.cache;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.AbstractCacheResolver;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.cache.interceptor.CacheableOperation;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Protects plain {@code @Cacheable} methods whose cache is a {@link StampedeCache}.
 * <p>
 * Without {@code sync = true}, Spring reads the cache, calls the method on a miss and
 * puts its result: it never hands the cache a loader, so every concurrent caller of a
 * cold key would call the method. This post-processor wraps the application's
 * {@link CacheOperationSource} so that such a {@code @Cacheable} reads as
 * {@code @Cacheable(sync = true)}, which Spring serves through
 * {@link StampedeCache#get(Object, java.util.concurrent.Callable)} (or
 * {@code retrieve} for futures): one load across every JVM. Spring allows that only
 * for a {@code @Cacheable} that is its method's only cache operation, names one cache
 * and has no {@code unless}; any other {@code @Cacheable} on a Stampede cache stays as
 * it is and is named in a warning at start-up.
 * <p>
 * A {@code @Cacheable} reads a Stampede cache when it names no cache resolver of its
 * own and its cache manager ({@code cacheManager}, or the caching interceptor's
 * default) is a {@link StampedeCacheManager}. Operations of other cache managers are
 * never changed.
 */
public class CacheableProtectionPostProcessor
		implements BeanPostProcessor, PriorityOrdered, BeanFactoryAware, SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(CacheableProtectionPostProcessor.class);

	private final List<ProtectingCacheOperationSource> sources = new CopyOnWriteArrayList<>();

	private @Nullable ListableBeanFactory beanFactory;

	private volatile boolean ready;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ListableBeanFactory listable) ? listable : null;
	}

	// Before the proxy creators, which read the operation source when they first advise a bean.
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof CacheOperationSource source && !(bean instanceof ProtectingCacheOperationSource)) {
			ProtectingCacheOperationSource protecting = new ProtectingCacheOperationSource(source, this);
			this.sources.add(protecting);
			return protecting;
		}
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.ready = true;
		this.sources.forEach(ProtectingCacheOperationSource::decideSeen);
	}

	boolean isReady() {
		return this.ready;
	}

	/** The operations of {@code method}, with its {@code @Cacheable} on a Stampede cache made synchronous. */
	Collection<CacheOperation> protect(Collection<CacheOperation> operations, Method method,
			@Nullable Class<?> targetClass) {
		List<CacheableOperation> onStampede = operations.stream()
			.filter(CacheableOperation.class::isInstance)
			.map(CacheableOperation.class::cast)
			.filter((cacheable) -> !cacheable.isSync() && readsStampedeCaches(cacheable))
			.toList();
		if (onStampede.isEmpty()) {
			return operations;
		}
		CacheableOperation cacheable = onStampede.get(0);
		String unprotectable = (operations.size() > 1) ? "it has other cache operations besides this @Cacheable"
				: (cacheable.getCacheNames().size() > 1) ? "it names several caches"
						: StringUtils.hasText(cacheable.getUnless()) ? "it has an unless attribute" : null;
		String origin = describe(method, targetClass);
		if (unprotectable != null) {
			logger.warn("@Cacheable on {} reads Stampede cache {} without stampede protection, so concurrent misses "
					+ "of a key each call the method: {}. Spring hands a cache the loader only for a @Cacheable "
					+ "that is the method's only cache operation, names one cache and has no unless (as "
					+ "@Cacheable(sync = true) requires). Split the operations, or use @StampedeProtected, which "
					+ "takes unless", origin, cacheable.getCacheNames(), unprotectable);
			return operations;
		}
		logger.debug("@Cacheable on {} loads under Stampede's lease, as @Cacheable(sync = true)", origin);
		return List.of(synchronous(cacheable));
	}

	private boolean readsStampedeCaches(CacheableOperation cacheable) {
		if (StringUtils.hasText(cacheable.getCacheResolver()) || this.beanFactory == null) {
			return false;
		}
		CacheManager manager;
		try {
			manager = StringUtils.hasText(cacheable.getCacheManager())
					? this.beanFactory.getBean(cacheable.getCacheManager(), CacheManager.class) : defaultCacheManager();
		}
		catch (BeansException ex) {
			// Spring's interceptor reports a cache manager it cannot find, on the call that needs it.
			return false;
		}
		return manager instanceof StampedeCacheManager;
	}

	// The manager Spring's interceptor resolves caches with when an operation names none.
	private @Nullable CacheManager defaultCacheManager() {
		ListableBeanFactory beans = this.beanFactory;
		if (beans == null) {
			return null;
		}
		CacheAspectSupport aspect = beans.getBeanProvider(CacheAspectSupport.class).getIfUnique();
		CacheResolver resolver = (aspect != null) ? aspect.getCacheResolver() : null;
		if (resolver != null) {
			try {
				return (resolver instanceof AbstractCacheResolver simple) ? simple.getCacheManager() : null;
			}
			catch (IllegalStateException ex) {
				return null;
			}
		}
		return beans.getBeanProvider(CacheManager.class).getIfUnique();
	}

	private static CacheableOperation synchronous(CacheableOperation cacheable) {
		CacheableOperation.Builder builder = new CacheableOperation.Builder();
		builder.setName(cacheable.getName());
		builder.setCacheNames(cacheable.getCacheNames().toArray(String[]::new));
		builder.setKey(cacheable.getKey());
		builder.setKeyGenerator(cacheable.getKeyGenerator());
		builder.setCacheManager(cacheable.getCacheManager());
		builder.setCacheResolver(cacheable.getCacheResolver());
		builder.setCondition(cacheable.getCondition());
		builder.setSync(true);
		return builder.build();
	}

	private static String describe(Method method, @Nullable Class<?> targetClass) {
		Class<?> type = (targetClass != null) ? targetClass : method.getDeclaringClass();
		return ClassUtils.getShortName(type) + "." + method.getName() + Arrays.stream(method.getParameterTypes())
			.map(ClassUtils::getShortName)
			.collect(Collectors.joining(", ", "(", ")"));
	}

}
