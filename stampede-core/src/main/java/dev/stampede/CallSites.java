package dev.stampede;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.stampede.backend.StampedeBackend;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * The caches an engine serves: each one's counters, local tier and call sites, with
 * their settings resolved once and checked against what the backend can do.
 */
final class CallSites {

	private final StampedeSettings settings;

	private final StampedeBackend backend;

	private final Supplier<StampedeObserver> observer;

	private final Generations generations;

	private final Map<String, CacheStats> stats = new ConcurrentHashMap<>();

	private final Map<String, Map<String, CallSite>> sites = new ConcurrentHashMap<>();

	private final Map<String, CallSite> programmatic = new ConcurrentHashMap<>();

	private final Map<String, LocalTier> localTiers = new ConcurrentHashMap<>();

	/**
	 * @throws InvalidSettingException if the defaults or a configured cache cannot work on
	 * {@code backend}; its setting is named under {@code defaults.} or {@code caches.<name>.}
	 */
	CallSites(StampedeSettings settings, StampedeBackend backend, Supplier<StampedeObserver> observer,
			Generations generations) {
		this.settings = settings;
		this.backend = backend;
		this.observer = observer;
		this.generations = generations;
		checkUnder("defaults.", settings.defaults());
		settings.caches().keySet().forEach((cache) -> checkUnder("caches." + cache + ".", settings(cache)));
	}

	/**
	 * Resolves and registers a call site; see
	 * {@link Stampede#callSite(String, CacheSettings.Overrides, String, Type)}.
	 */
	CallSite register(String cache, CacheSettings.Overrides overrides, String origin, Type declaredType) {
		CacheSettings resolved = this.settings.resolve(cache, overrides);
		checkLimits(resolved);
		// A primitive return type holds its box, which is what a cached value is.
		Class<?> valueType = ClassUtils.resolvePrimitiveIfNecessary(ResolvableType.forType(declaredType).toClass());
		Type declared = (declaredType instanceof Class<?>) ? valueType : declaredType;
		Map<String, String> sources = new TreeMap<>();
		overrides.names().forEach((setting) -> sources.put(setting, "call site"));
		CacheSettings.Overrides configured = this.settings.caches().get(cache);
		if (configured != null) {
			configured.names().forEach((setting) -> sources.put(setting, "stampede.caches." + cache));
		}
		CallSite site = new CallSite(cache, resolved, sources, origin,
				resolved.hasLocalTier() ? localTier(cache, resolved) : null, stats(cache), valueType, declared,
				this.generations.of(cache));
		this.sites.computeIfAbsent(cache, (name) -> new ConcurrentHashMap<>()).put(origin, site);
		return site;
	}

	/** The call site of programmatic calls naming {@code cache}. */
	CallSite programmatic(String cache) {
		CallSite site = this.programmatic.get(cache);
		if (site == null) {
			site = this.programmatic.computeIfAbsent(cache,
					(name) -> register(name, CacheSettings.Overrides.NONE, "cache '" + name + "'", Object.class));
		}
		return site;
	}

	List<CallSite> of(String cache) {
		Map<String, CallSite> sites = this.sites.get(cache);
		return (sites != null) ? List.copyOf(sites.values()) : List.of();
	}

	CacheSettings settings(String cache) {
		return this.settings.resolve(cache, null);
	}

	CacheStats stats(String cache) {
		CacheStats existing = this.stats.get(cache);
		if (existing != null) {
			return existing;
		}
		CacheStats created = new CacheStats();
		existing = this.stats.putIfAbsent(cache, created);
		if (existing != null) {
			return existing;
		}
		this.observer.get().cacheAdded(cache, created);
		return created;
	}

	Set<String> cacheNames() {
		this.settings.caches().keySet().forEach(this::stats);
		return new TreeSet<>(this.stats.keySet());
	}

	@Nullable LocalTier localTier(String cache) {
		return this.localTiers.get(cache);
	}

	// Local-tier settings come from configuration only, so every call site of a cache shares one tier.
	private LocalTier localTier(String cache, CacheSettings settings) {
		return this.localTiers.computeIfAbsent(cache, (name) -> new LocalTier(settings.localTtl(), settings.localMaxSize()));
	}

	private void checkUnder(String prefix, CacheSettings settings) {
		try {
			checkLimits(settings);
		}
		catch (InvalidSettingException ex) {
			throw ex.under(prefix);
		}
	}

	private void checkLimits(CacheSettings settings) {
		Duration minimumLease = this.backend.minimumLeaseTtl();
		if (settings.leaseTtl().compareTo(minimumLease) < 0) {
			throw new InvalidSettingException("lease-ttl", "the " + this.backend.name() + " backend cannot keep a "
					+ "lease shorter than " + minimumLease.toMillis() + " ms (it expires items in whole seconds; 2s or "
					+ "more is safer), was " + settings.leaseTtl().toMillis() + " ms");
		}
		Duration maximum = this.backend.maximumTtl();
		if (settings.storageTtl().compareTo(maximum) > 0) {
			throw new InvalidSettingException("ttl", "ttl plus stale-ttl plus fail-safe-ttl must not exceed what the "
					+ this.backend.name() + " backend can keep, " + maximum.toDays() + " days; was "
					+ settings.storageTtl().toDays() + " days");
		}
	}

}
