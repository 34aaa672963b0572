package dev.stampede.cache;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheOperationSource;

/**
 * Spring's cache operations of each method, with a plain {@code @Cacheable} on a
 * Stampede cache turned into {@code @Cacheable(sync = true)} once the application has
 * started and its cache managers are known. Until then the operations pass unchanged
 * (Spring's interceptor caches nothing before it has started either), and the methods
 * asked about are remembered so that each is decided, and warned about, at start-up.
 */
final class ProtectingCacheOperationSource implements CacheOperationSource {

	private final CacheOperationSource delegate;

	private final CacheableProtectionPostProcessor protection;

	private final Map<MethodOnClass, Collection<CacheOperation>> decided = new ConcurrentHashMap<>();

	private final Set<MethodOnClass> seen = ConcurrentHashMap.newKeySet();

	ProtectingCacheOperationSource(CacheOperationSource delegate, CacheableProtectionPostProcessor protection) {
		this.delegate = delegate;
		this.protection = protection;
	}

	@Override
	public boolean isCandidateClass(Class<?> targetClass) {
		return this.delegate.isCandidateClass(targetClass);
	}

	@Override
	public boolean hasCacheOperations(Method method, @Nullable Class<?> targetClass) {
		boolean has = this.delegate.hasCacheOperations(method, targetClass);
		if (has && !this.protection.isReady()) {
			this.seen.add(new MethodOnClass(method, targetClass));
		}
		return has;
	}

	@Override
	public @Nullable Collection<CacheOperation> getCacheOperations(Method method, @Nullable Class<?> targetClass) {
		Collection<CacheOperation> operations = this.delegate.getCacheOperations(method, targetClass);
		if (operations == null || operations.isEmpty() || !this.protection.isReady()) {
			return operations;
		}
		MethodOnClass key = new MethodOnClass(method, targetClass);
		Collection<CacheOperation> decision = this.decided.get(key);
		if (decision == null) {
			decision = this.decided.computeIfAbsent(key,
					(missing) -> this.protection.protect(operations, method, targetClass));
		}
		return decision;
	}

	/** Decides every method asked about before start-up, so that warnings come at start-up. */
	void decideSeen() {
		for (MethodOnClass seenMethod : this.seen) {
			getCacheOperations(seenMethod.method(), seenMethod.targetClass());
		}
		this.seen.clear();
	}

	private record MethodOnClass(Method method, @Nullable Class<?> targetClass) {
	}

}
