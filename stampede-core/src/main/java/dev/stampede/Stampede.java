package dev.stampede;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.stampede.backend.KeyEvent;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.backoff.BackOffExecution;

/**
 * The engine. Reads a key from the backend; on a miss, exactly one caller across all
 * JVMs that share the backend takes the key's lease, calls the loader and stores the
 * value, while every other caller waits for it with jittered exponential backoff,
 * woken early where the backend can notify. Inside one JVM, concurrent calls for the
 * same key share one resolution, so only one thread per key talks to the backend.
 * <p>
 * A value past its {@code ttl} but within {@code stale-ttl} is served at once while
 * the one caller that wins the key's refresh lease refreshes it; with
 * {@code early-refresh-beta}, fresh values are refreshed shortly before they expire,
 * with a probability that rises as expiry nears (probabilistic early expiration).
 * Every write is fenced: a value computed before an eviction is never stored.
 * <p>
 * Loader exceptions are never cached and reach every caller that shared the call
 * unchanged. Backend failures and wait timeouts follow the cache's
 * {@link FailurePolicy policies}. Every wait is bounded by {@code max-wait}.
 */
public final class Stampede implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Stampede.class);

	private static final long WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final long GENERATION_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

	// Key of an eviction event that evicted every entry of a cache.
	private static final String ALL_KEYS = "*";

	private final StampedeBackend backend;

	private final StampedeSettings settings;

	private final CacheKeys keys;

	private final Clock clock;

	private final Map<String, CompletableFuture<@Nullable Object>> inFlight = new ConcurrentHashMap<>();

	private final Map<String, CallSite> programmaticSites = new ConcurrentHashMap<>();

	private final Map<String, Cache<String, Envelope>> localTiers = new ConcurrentHashMap<>();

	private final Map<String, CacheStats> stats = new ConcurrentHashMap<>();

	private final Map<String, Generation> generations = new ConcurrentHashMap<>();

	private final Map<String, Waiter> waiters = new ConcurrentHashMap<>();

	private final Map<String, Map<String, CallSite>> callSites = new ConcurrentHashMap<>();

	private volatile StampedeObserver observer = StampedeObserver.NONE;

	private final String tokenPrefix = UUID.randomUUID() + "/";

	private final AtomicLong tokenCounter = new AtomicLong();

	private final AtomicLong lastBackendWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS);

	private final ExecutorService asyncExecutor = Executors.newCachedThreadPool(new DaemonThreads("stampede-async-"));

	private final ExecutorService refreshExecutor;

	// Keys already warned about, so that a bad entry read by every call is logged once.
	private final Cache<String, Boolean> warnedKeys = Caffeine.newBuilder().maximumSize(10_000).build();

	private final AutoCloseable subscription;

	/** Creates an engine with default settings and no key prefix. */
	public Stampede(StampedeBackend backend) {
		this(backend, StampedeSettings.standard(), "", Clock.systemUTC());
	}

	/**
	 * Creates an engine whose asynchronous refreshes run on 2 threads with room for 256
	 * queued refreshes.
	 * @see #Stampede(StampedeBackend, StampedeSettings, String, Clock, int, int)
	 */
	public Stampede(StampedeBackend backend, StampedeSettings settings, String keyPrefix, Clock clock) {
		this(backend, settings, keyPrefix, clock, 2, 256);
	}

	/**
	 * Creates an engine.
	 * @param backend where values and leases live
	 * @param settings defaults and per-cache settings
	 * @param keyPrefix prefix of every backend key, to share a backend between applications
	 * @param clock source of wall-clock time for freshness, shared by every JVM through the stored values
	 * @param refreshThreads threads that run asynchronous refreshes
	 * @param refreshQueueCapacity asynchronous refreshes that may wait for a thread; beyond it,
	 * a refresh is skipped and the stale value served on
	 * @throws InvalidSettingException if a cache's settings are outside the backend's limits; its
	 * setting is named under {@code defaults.} or {@code caches.<name>.}
	 */
	public Stampede(StampedeBackend backend, StampedeSettings settings, String keyPrefix, Clock clock,
			int refreshThreads, int refreshQueueCapacity) {
		this.backend = backend;
		this.settings = settings;
		this.keys = new CacheKeys(keyPrefix);
		this.clock = clock;
		validate("defaults.", null);
		settings.caches().keySet().forEach((cache) -> validate("caches." + cache + ".", cache));
		this.refreshExecutor = new ThreadPoolExecutor(refreshThreads, refreshThreads, 60, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(refreshQueueCapacity), new DaemonThreads("stampede-refresh-"));
		this.subscription = backend.subscribe(this::onKeyEvent);
	}

	private void validate(String prefix, @Nullable String cache) {
		try {
			checkLimits((cache != null) ? this.settings.resolve(cache, null) : this.settings.defaults());
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
			throw new InvalidSettingException("ttl", "ttl plus stale-ttl must not exceed what the "
					+ this.backend.name() + " backend can keep, " + maximum.toDays() + " days; was "
					+ settings.storageTtl().toDays() + " days");
		}
	}

	/**
	 * Resolves the settings of a call site once, for use on every call it makes.
	 * @param cache the cache name
	 * @param overrides the call site's own settings, which configuration for the cache overrides
	 * @param origin where the calls come from, for messages
	 * @throws InvalidSettingException if the resolved settings cannot work on this backend
	 */
	public CallSite callSite(String cache, CacheSettings.Overrides overrides, String origin) {
		return callSite(cache, overrides, origin, Object.class);
	}

	/**
	 * Resolves the settings of a call site whose values have a known type, once.
	 * @param valueType type of the values it returns: a stored value of another type,
	 * written by another program or another version, is treated as a miss rather than
	 * handed to a caller that cannot use it
	 * @see #callSite(String, CacheSettings.Overrides, String)
	 */
	public CallSite callSite(String cache, CacheSettings.Overrides overrides, String origin, Class<?> valueType) {
		CacheSettings resolved = this.settings.resolve(cache, overrides);
		checkLimits(resolved);
		CallSite site = new CallSite(cache, resolved, origin,
				resolved.hasLocalTier() ? localTier(cache, resolved) : null, stats(cache), valueType);
		this.callSites.computeIfAbsent(cache, (name) -> new ConcurrentHashMap<>()).put(origin, site);
		return site;
	}

	/** The call sites of {@code cache} resolved so far, with their effective settings. */
	public List<CallSite> callSites(String cache) {
		Map<String, CallSite> sites = this.callSites.get(cache);
		return (sites != null) ? List.copyOf(sites.values()) : List.of();
	}

	/** Effective settings of {@code cache} for calls that do not override any: configuration over defaults. */
	public CacheSettings settings(String cache) {
		return this.settings.resolve(cache, null);
	}

	/** Tells {@code observer} about loads, waits and backend failures from now on. */
	public void setObserver(StampedeObserver observer) {
		this.observer = observer;
	}

	/** Up to {@code limit} backend keys of {@code cache} being resolved in this JVM right now. */
	public List<String> inFlightKeys(String cache, int limit) {
		String start = this.keys.cachePrefix(cache);
		return this.inFlight.keySet().stream().filter((key) -> key.startsWith(start)).sorted().limit(limit).toList();
	}

	// Local-tier settings come from configuration only, so every call site of a cache shares one
	// tier. Its maintenance runs on the calling thread, as the local backend's does.
	private Cache<String, Envelope> localTier(String cache, CacheSettings settings) {
		return this.localTiers.computeIfAbsent(cache, (name) -> Caffeine.newBuilder()
			.executor(Runnable::run)
			.expireAfterWrite(settings.localTtl())
			.maximumSize(settings.localMaxSize())
			.build());
	}

	/**
	 * Returns the value of {@code key} in {@code cache}, calling {@code loader} on a
	 * miss in at most one caller across every JVM that shares the backend.
	 * @param cache the cache name, which selects its settings
	 * @param key the key; see {@link CacheKeys} for its string form
	 * @param loader computes the value on a miss
	 * @return the cached or loaded value
	 * @throws E what the loader threw, unchanged
	 */
	public <T, E extends Throwable> @Nullable T get(String cache, Object key, Loader<T, E> loader) throws E {
		return get(programmaticSite(cache), key, loader, (value) -> true);
	}

	/**
	 * Returns the value of {@code key} as {@link #get(String, Object, Loader)} does,
	 * for a call site whose settings were resolved by {@link #callSite}.
	 * @param storeIf decides whether a loaded value is stored; a value it rejects is returned but not cached
	 */
	@SuppressWarnings("unchecked")
	public <T, E extends Throwable> @Nullable T get(CallSite site, Object key, Loader<T, E> loader,
			Predicate<? super @Nullable T> storeIf) throws E {
		String keyString = CacheKeys.stringForm(key);
		String backendKey = backendKey(site.cache(), keyString);
		Envelope local = localHit(site, backendKey);
		if (local != null) {
			return (T) local.value();
		}
		Envelope hit = inProcessHit(site, backendKey);
		if (hit != null) {
			return (T) hit.value();
		}
		CompletableFuture<@Nullable Object> flight = new CompletableFuture<>();
		CompletableFuture<@Nullable Object> joined = this.inFlight.putIfAbsent(backendKey, flight);
		if (joined != null) {
			site.stats().record(Outcome.JOINED);
			return (T) awaitFlight(joined, site, keyString);
		}
		try {
			return (T) fly(flight, site, keyString, backendKey, loader, (Predicate<@Nullable Object>) storeIf);
		}
		catch (Throwable ex) {
			throw Stampede.<RuntimeException>sneakyThrow(ex);
		}
	}

	/**
	 * Returns a future of the value of {@code key} in {@code cache}. On a miss,
	 * {@code loader} is called in at most one caller across every JVM and its future's
	 * result is cached once it completes. Waiting happens on Stampede's own threads,
	 * never on the caller's.
	 */
	public <T> CompletableFuture<T> getAsync(String cache, Object key,
			Supplier<? extends CompletionStage<? extends T>> loader) {
		return getAsync(programmaticSite(cache), key, loader, (value) -> true);
	}

	/**
	 * Returns a future of the value of {@code key} as
	 * {@link #getAsync(String, Object, Supplier)} does, for a resolved call site.
	 * @param storeIf decides whether a loaded value is stored
	 */
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> getAsync(CallSite site, Object key,
			Supplier<? extends CompletionStage<? extends T>> loader, Predicate<? super @Nullable T> storeIf) {
		String keyString = CacheKeys.stringForm(key);
		String backendKey = backendKey(site.cache(), keyString);
		Envelope local = localHit(site, backendKey);
		if (local == null) {
			local = inProcessHit(site, backendKey);
		}
		if (local != null) {
			return CompletableFuture.completedFuture((T) local.value());
		}
		CompletableFuture<@Nullable Object> flight = new CompletableFuture<>();
		CompletableFuture<@Nullable Object> joined = this.inFlight.putIfAbsent(backendKey, flight);
		if (joined != null) {
			site.stats().record(Outcome.JOINED);
			return (CompletableFuture<T>) joined.copy();
		}
		Loader<Object, Throwable> blockingLoader = () -> awaitStage(loader.get(), site);
		try {
			this.asyncExecutor.execute(() -> {
				try {
					fly(flight, site, keyString, backendKey, blockingLoader, (Predicate<@Nullable Object>) storeIf);
				}
				catch (Throwable ex) {
					// already handed to every caller through the flight
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.inFlight.remove(backendKey, flight);
			flight.completeExceptionally(new StampedeException("Stampede is closed", ex));
		}
		return (CompletableFuture<T>) flight.copy();
	}

	/**
	 * Removes {@code key} from {@code cache}, and ends any lease on it so that the next
	 * reader loads fresh data. A value being computed at this moment is not written
	 * (fencing), so the eviction is never undone. Local tiers forget the key: this
	 * JVM's at once, other JVMs' as soon as the backend tells them.
	 */
	public void evict(String cache, Object key) {
		CallSite site = programmaticSite(cache);
		String keyString = CacheKeys.stringForm(key);
		String backendKey = backendKey(cache, keyString);
		Cache<String, Envelope> localTier = site.localTier();
		if (localTier != null) {
			localTier.invalidate(backendKey);
		}
		try {
			this.backend.evict(backendKey);
			publishEviction(site, keyString, backendKey);
		}
		catch (StampedeBackendException ex) {
			evictionFailed(site, keyString, ex);
		}
	}

	/**
	 * Removes every entry of {@code cache} by moving it to a new generation of keys:
	 * the old entries become unreachable at once and expire on their own, and values
	 * being computed for them are never seen. Other JVMs follow within a second, or at
	 * once where the backend notifies.
	 */
	public void evictAll(String cache) {
		CallSite site = programmaticSite(cache);
		Cache<String, Envelope> localTier = site.localTier();
		if (localTier != null) {
			localTier.invalidateAll();
		}
		try {
			long next = this.backend.nextGeneration(this.keys.generationKey(cache));
			Generation generation = this.generations.computeIfAbsent(cache,
					(name) -> new Generation(this.keys.generationPrefix(name, -1)));
			generation.keyPrefix = this.keys.generationPrefix(cache, next);
			generation.known = true;
			generation.checkedAt = System.nanoTime();
			publishEviction(site, ALL_KEYS, ALL_KEYS);
		}
		catch (StampedeBackendException ex) {
			evictionFailed(site, ALL_KEYS, ex);
		}
	}

	/** Counters of {@code cache} since this engine started. */
	public CacheStats stats(String cache) {
		CacheStats existing = this.stats.get(cache);
		if (existing != null) {
			return existing;
		}
		CacheStats created = new CacheStats();
		existing = this.stats.putIfAbsent(cache, created);
		if (existing != null) {
			return existing;
		}
		this.observer.cacheAdded(cache, created);
		return created;
	}

	/** Names of the caches this engine has served or been configured with. */
	public Set<String> cacheNames() {
		this.settings.caches().keySet().forEach(this::stats);
		return new TreeSet<>(this.stats.keySet());
	}

	/** Number of keys being resolved in this JVM right now. */
	public int inFlightCount() {
		return this.inFlight.size();
	}

	/** The backend this engine uses. */
	public StampedeBackend getBackend() {
		return this.backend;
	}

	/** The key under which {@code key} of {@code cache} is stored in the backend now. */
	public String backendKey(String cache, Object key) {
		return backendKey(cache, CacheKeys.stringForm(key));
	}

	/**
	 * Stops listening to the backend's events and the threads that wait for
	 * asynchronous callers and run refreshes. The backend is not closed.
	 */
	@Override
	public void close() {
		try {
			this.subscription.close();
		}
		catch (Exception ex) {
			logger.debug("Could not unsubscribe from the {} backend", this.backend.name(), ex);
		}
		shutDown(this.asyncExecutor);
		shutDown(this.refreshExecutor);
	}

	private static void shutDown(ExecutorService executor) {
		executor.shutdown();
		try {
			if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
				executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			executor.shutdownNow();
		}
	}

	private CallSite programmaticSite(String cache) {
		return this.programmaticSites.computeIfAbsent(cache,
				(name) -> callSite(name, CacheSettings.Overrides.NONE, "cache '" + name + "'"));
	}

	private String backendKey(String cache, String keyString) {
		return this.keys.backendKey(generation(cache), keyString);
	}

	// Read from the backend at most once a second per cache and by one thread at a time,
	// the others going on with the generation they know, so that concurrent calls agree on
	// their keys even while the backend fails; -1 until the backend has told one. An
	// in-process backend tells every engine of a new generation at once, so once known
	// its generation is not read again until then.
	private CacheKeys.GenerationPrefix generation(String cache) {
		Generation generation = this.generations.computeIfAbsent(cache,
				(name) -> new Generation(this.keys.generationPrefix(name, -1)));
		if (generation.known && this.backend.isInProcess()) {
			return generation.keyPrefix;
		}
		long now = System.nanoTime();
		if (now - generation.checkedAt < GENERATION_CHECK_NANOS) {
			return generation.keyPrefix;
		}
		if (generation.known) {
			if (generation.refreshing.compareAndSet(false, true)) {
				try {
					readGeneration(cache, generation, now);
				}
				finally {
					generation.refreshing.set(false);
				}
			}
			return generation.keyPrefix;
		}
		synchronized (generation) {
			if (now - generation.checkedAt >= GENERATION_CHECK_NANOS) {
				readGeneration(cache, generation, now);
			}
			return generation.keyPrefix;
		}
	}

	private void readGeneration(String cache, Generation generation, long now) {
		try {
			long value = this.backend.generation(this.keys.generationKey(cache));
			generation.keyPrefix = this.keys.generationPrefix(cache, value);
			generation.known = true;
		}
		catch (StampedeBackendException ex) {
			logger.debug("Could not read the generation of cache '{}': {}", cache, ex.getMessage());
		}
		generation.checkedAt = now;
	}

	private @Nullable Object fly(CompletableFuture<@Nullable Object> flight, CallSite site, String keyString,
			String backendKey, Loader<?, ?> loader, Predicate<@Nullable Object> storeIf) throws Throwable {
		Object value;
		try {
			value = resolve(flight, site, keyString, backendKey, loader, storeIf);
		}
		catch (Throwable ex) {
			this.inFlight.remove(backendKey, flight);
			flight.completeExceptionally(ex);
			throw ex;
		}
		land(flight, backendKey, value);
		return value;
	}

	// Hands the value to every caller that joined the flight; later calls start their own.
	private void land(CompletableFuture<@Nullable Object> flight, String backendKey, @Nullable Object value) {
		this.inFlight.remove(backendKey, flight);
		flight.complete(value);
	}

	private @Nullable Object resolve(CompletableFuture<@Nullable Object> flight, CallSite site, String keyString,
			String backendKey, Loader<?, ?> loader, Predicate<@Nullable Object> storeIf) throws Throwable {
		CacheSettings settings = site.settings();
		CacheStats stats = site.stats();
		long start = System.nanoTime();
		long deadline = start + settings.maxWait().toNanos();
		BackOffExecution pauses = null;
		Waiter waiter = null;
		long waitStart = 0;
		boolean firstRead = true;
		try {
			while (true) {
				Slot slot;
				try {
					slot = this.backend.read(backendKey);
					if (slot instanceof Slot.Present present && !isUsable(site, present.envelope())) {
						slot = new Slot.Unreadable(present.version());
					}
					if (slot instanceof Slot.Present present) {
						Envelope envelope = present.envelope();
						long now = this.clock.millis();
						if (envelope.isFreshAt(now)) {
							if (firstRead) {
								stats.record(Outcome.HIT);
								if (isDueForEarlyRefresh(settings, envelope, now)) {
									return refresh(flight, site, keyString, backendKey, present, loader, storeIf);
								}
							}
							remember(site, backendKey, envelope);
							return envelope.value();
						}
						if (envelope.isServableAt(now)) {
							stats.record(Outcome.STALE);
							return refresh(flight, site, keyString, backendKey, present, loader, storeIf);
						}
					}
					if (firstRead) {
						stats.record(Outcome.MISS);
						firstRead = false;
					}
					if (slot instanceof Slot.Unreadable) {
						stats.record(Outcome.UNREADABLE);
						warnOnce(backendKey, "Cache '{}' key '{}' holds data that {} cannot use (another program's, "
								+ "another version's, or of another type); treating it as a miss", site.cache(),
								keyString, site.origin());
					}
					if (!(slot instanceof Slot.Leased)) {
						String token = nextToken();
						if (this.backend.tryLease(backendKey, slot, token, settings.leaseTtl())) {
							stats.record(Outcome.LEASE_WON);
							stats.leaseTaken(keyString);
							try {
								return loadAsWinner(site, keyString, backendKey, token, loader, storeIf);
							}
							finally {
								stats.leaseEnded(keyString);
							}
						}
					}
				}
				catch (StampedeBackendException ex) {
					return backendFailed(site, keyString, loader, ex);
				}
				long now = System.nanoTime();
				if (now - deadline >= 0) {
					return waitTimedOut(site, keyString, loader, Duration.ofNanos(now - start));
				}
				if (waiter == null) {
					// Read once more right after registering, so that a wake-up published between
					// the read above and the registration is not missed.
					stats.record(Outcome.LEASE_LOST);
					waitStart = now;
					waiter = new Waiter();
					this.waiters.put(backendKey, waiter);
					continue;
				}
				if (pauses == null) {
					pauses = settings.backoff().start();
				}
				long pause = Math.min(TimeUnit.MILLISECONDS.toNanos(pauses.nextBackOff()), deadline - now);
				waiter.await(pause, site, keyString);
			}
		}
		finally {
			if (waiter != null) {
				this.waiters.remove(backendKey, waiter);
				this.observer.waited(site.cache(), System.nanoTime() - waitStart);
			}
		}
	}

	private static boolean isUsable(CallSite site, Envelope envelope) {
		Object value = envelope.value();
		return value == null || site.valueType().isInstance(value);
	}

	private void warnOnce(String backendKey, String message, Object... arguments) {
		if (this.warnedKeys.asMap().putIfAbsent(backendKey, Boolean.TRUE) == null) {
			logger.warn(message, arguments);
		}
	}

	// XFetch: refresh when now - delta * beta * ln(random) reaches the expiry, delta being
	// the last load time; the nearer the expiry and the slower the load, the likelier.
	private static boolean isDueForEarlyRefresh(CacheSettings settings, Envelope envelope, long now) {
		double beta = settings.earlyRefreshBeta();
		if (beta <= 0) {
			return false;
		}
		double random = 1.0 - ThreadLocalRandom.current().nextDouble();
		return now - envelope.loadMillis() * beta * Math.log(random) >= envelope.freshUntil();
	}

	private @Nullable Object refresh(CompletableFuture<@Nullable Object> flight, CallSite site, String keyString,
			String backendKey, Slot.Present present, Loader<?, ?> loader, Predicate<@Nullable Object> storeIf) {
		Envelope current = present.envelope();
		String token = nextToken();
		try {
			if (!this.backend.tryRefreshLease(backendKey, token, site.settings().leaseTtl())) {
				return current.value();
			}
			// Another caller may have refreshed it between this caller's read and its lease.
			if (this.backend.read(backendKey) instanceof Slot.Present now && now.version() != present.version()) {
				releaseRefreshLease(site, keyString, backendKey, token);
				return isUsable(site, now.envelope()) ? now.envelope().value() : current.value();
			}
		}
		catch (StampedeBackendException ex) {
			warnBackendFailure(site, keyString, "take the refresh lease of", ex);
			return current.value();
		}
		if (site.settings().refresh() == RefreshMode.ASYNC) {
			try {
				this.refreshExecutor.execute(
						() -> refreshAsWinner(site, keyString, backendKey, present, token, loader, storeIf));
			}
			catch (RejectedExecutionException ex) {
				logger.debug("Refresh queue full; serving cache '{}' key '{}' as it is", site.cache(), keyString);
				releaseRefreshLease(site, keyString, backendKey, token);
			}
			return current.value();
		}
		// Only this caller pays for an inline refresh: the callers that joined it get the current value now.
		land(flight, backendKey, current.value());
		return refreshAsWinner(site, keyString, backendKey, present, token, loader, storeIf);
	}

	// A failed refresh keeps its lease until lease-ttl, which spaces the next attempt.
	private @Nullable Object refreshAsWinner(CallSite site, String keyString, String backendKey, Slot.Present present,
			String token, Loader<?, ?> loader, Predicate<@Nullable Object> storeIf) {
		CacheSettings settings = site.settings();
		long loadStart = System.nanoTime();
		Object value;
		site.stats().leaseTaken(keyString);
		try {
			value = load(site, loader, () -> {
			});
		}
		catch (Throwable ex) {
			site.stats().leaseEnded(keyString);
			site.stats().record(Outcome.REFRESH_ERROR);
			logger.warn("Refreshing cache '{}' key '{}' failed; serving the current value until it expires: {}",
					site.cache(), keyString, ex.toString());
			return present.envelope().value();
		}
		site.stats().record(Outcome.REFRESH);
		try {
			if ((value != null || settings.cacheNulls()) && storeIf.test(value)) {
				Envelope envelope = envelope(value, settings, loadStart);
				if (this.backend.replace(backendKey, present.version(), envelope, settings.storageTtl())) {
					remember(site, backendKey, envelope);
				}
			}
		}
		catch (StampedeSerializationException ex) {
			logger.warn("Cannot cache the value returned by {} in cache '{}': {}", site.origin(), site.cache(),
					ex.getMessage());
		}
		catch (StampedeValueTooLargeException ex) {
			notStored(site, keyString, backendKey, ex);
		}
		catch (StampedeBackendException ex) {
			warnBackendFailure(site, keyString, "store the refreshed value of", ex);
		}
		releaseRefreshLease(site, keyString, backendKey, token);
		site.stats().leaseEnded(keyString);
		return value;
	}

	private @Nullable Object load(CallSite site, Loader<?, ?> loader, Runnable onFailure) throws Throwable {
		long start = System.nanoTime();
		try {
			Object value = loader.load();
			this.observer.loaded(site.cache(), System.nanoTime() - start, true);
			return value;
		}
		catch (Throwable ex) {
			this.observer.loaded(site.cache(), System.nanoTime() - start, false);
			onFailure.run();
			throw ex;
		}
	}

	private @Nullable Object loadAsWinner(CallSite site, String keyString, String backendKey, String token,
			Loader<?, ?> loader, Predicate<@Nullable Object> storeIf) throws Throwable {
		long loadStart = System.nanoTime();
		Object value = load(site, loader, () -> abandon(site, keyString, backendKey, token));
		CacheSettings settings = site.settings();
		if ((value == null && !settings.cacheNulls()) || !storeIf.test(value)) {
			abandon(site, keyString, backendKey, token);
			return value;
		}
		Envelope envelope = envelope(value, settings, loadStart);
		try {
			if (this.backend.fulfilLease(site.cache(), backendKey, token, envelope, settings.storageTtl())) {
				remember(site, backendKey, envelope);
			}
			else {
				logger.debug("Not storing cache '{}' key '{}': the lease expired or the key was evicted while it "
						+ "was computed", site.cache(), keyString);
			}
		}
		catch (StampedeSerializationException ex) {
			abandon(site, keyString, backendKey, token);
			throw new StampedeSerializationException("Cannot cache the value returned by " + site.origin()
					+ " in cache '" + site.cache() + "': " + ex.getMessage(), ex);
		}
		catch (StampedeValueTooLargeException ex) {
			abandon(site, keyString, backendKey, token);
			notStored(site, keyString, backendKey, ex);
		}
		catch (StampedeBackendException ex) {
			warnBackendFailure(site, keyString, "store", ex);
		}
		return value;
	}

	private void notStored(CallSite site, String keyString, String backendKey, StampedeValueTooLargeException ex) {
		site.stats().record(Outcome.NOT_STORED);
		warnOnce(backendKey, "Returning the value of cache '{}' key '{}' from {} uncached: {}", site.cache(),
				keyString, site.origin(), ex.getMessage());
	}

	private Envelope envelope(@Nullable Object value, CacheSettings settings, long loadStartNanos) {
		long loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStartNanos);
		long freshUntil = this.clock.millis() + settings.ttl().toMillis();
		return new Envelope(value, freshUntil, freshUntil + settings.staleTtl().toMillis(), loadMillis);
	}

	private String nextToken() {
		return this.tokenPrefix + this.tokenCounter.incrementAndGet();
	}

	private void abandon(CallSite site, String keyString, String backendKey, String token) {
		try {
			this.backend.abandonLease(site.cache(), backendKey, token);
		}
		catch (StampedeBackendException ex) {
			// The lease then ends by itself after lease-ttl.
			warnBackendFailure(site, keyString, "release the lease of", ex);
		}
	}

	private void releaseRefreshLease(CallSite site, String keyString, String backendKey, String token) {
		try {
			this.backend.releaseRefreshLease(backendKey, token);
		}
		catch (StampedeBackendException ex) {
			warnBackendFailure(site, keyString, "release the refresh lease of", ex);
		}
	}

	private @Nullable Object backendFailed(CallSite site, String keyString, Loader<?, ?> loader,
			StampedeBackendException ex) throws Throwable {
		site.stats().record(Outcome.BACKEND_ERROR);
		if (site.settings().onBackendFailure() == FailurePolicy.FAIL) {
			this.observer.backendFailed(this.backend.name(), ex);
			throw new StampedeBackendException(backendFailureMessage(site, keyString, "read", ex), ex);
		}
		warnBackendFailure(site, keyString, "read", ex);
		site.stats().record(Outcome.CALL_THROUGH);
		return load(site, loader, () -> {
		});
	}

	private @Nullable Object waitTimedOut(CallSite site, String keyString, Loader<?, ?> loader, Duration waited)
			throws Throwable {
		site.stats().record(Outcome.WAIT_TIMEOUT);
		if (site.settings().onWaitTimeout() == FailurePolicy.FAIL) {
			throw new StampedeTimeoutException(site.cache(), keyString, waited);
		}
		logger.debug("Waited {} ms for cache '{}' key '{}'; calling the loader directly", waited.toMillis(),
				site.cache(), keyString);
		site.stats().record(Outcome.CALL_THROUGH);
		return load(site, loader, () -> {
		});
	}

	private void evictionFailed(CallSite site, String keyString, StampedeBackendException ex) {
		site.stats().record(Outcome.BACKEND_ERROR);
		if (site.settings().onBackendFailure() == FailurePolicy.FAIL) {
			this.observer.backendFailed(this.backend.name(), ex);
			throw new StampedeBackendException(backendFailureMessage(site, keyString, "evict", ex), ex);
		}
		warnBackendFailure(site, keyString, "evict", ex);
	}

	private String backendFailureMessage(CallSite site, String keyString, String operation,
			StampedeBackendException ex) {
		return "Could not " + operation + " cache '" + site.cache() + "' key '" + keyString + "' on the "
				+ this.backend.name() + " backend: " + ex.getMessage()
				+ ". on-backend-failure is fail; set it to call-through to call the method while the backend is down";
	}

	private void warnBackendFailure(CallSite site, String keyString, String operation, StampedeBackendException ex) {
		this.observer.backendFailed(this.backend.name(), ex);
		long now = System.nanoTime();
		long last = this.lastBackendWarning.get();
		if (now - last >= WARNING_INTERVAL_NANOS && this.lastBackendWarning.compareAndSet(last, now)) {
			logger.warn("Could not {} cache '{}' key '{}' on the {} backend, going on without it "
					+ "(further failures are logged at debug level for 10 s): {}", operation, site.cache(), keyString,
					this.backend.name(), ex.getMessage());
		}
		else {
			logger.debug("Could not {} cache '{}' key '{}' on the {} backend: {}", operation, site.cache(),
					keyString, this.backend.name(), ex.getMessage());
		}
	}

	private @Nullable Envelope localHit(CallSite site, String backendKey) {
		Cache<String, Envelope> localTier = site.localTier();
		if (localTier == null) {
			return null;
		}
		Envelope envelope = localTier.getIfPresent(backendKey);
		if (envelope != null && envelope.isFreshAt(this.clock.millis())) {
			site.stats().record(Outcome.LOCAL_HIT);
			return envelope;
		}
		return null;
	}

	// A fresh value of an in-process backend is returned without a flight: reading it is
	// cheaper than the in-flight map. Anything else (stale, missing, leased) takes the
	// flight, which reads it again; so do values that may refresh early, so that the
	// chance of an early refresh is drawn once per call.
	private @Nullable Envelope inProcessHit(CallSite site, String backendKey) {
		if (!this.backend.isInProcess() || site.settings().earlyRefreshBeta() > 0) {
			return null;
		}
		Slot slot;
		try {
			slot = this.backend.read(backendKey);
		}
		catch (StampedeBackendException ex) {
			return null;
		}
		if (!(slot instanceof Slot.Present present) || !isUsable(site, present.envelope())) {
			return null;
		}
		Envelope envelope = present.envelope();
		if (!envelope.isFreshAt(this.clock.millis())) {
			return null;
		}
		site.stats().record(Outcome.HIT);
		return envelope;
	}

	private static void remember(CallSite site, String backendKey, Envelope envelope) {
		Cache<String, Envelope> localTier = site.localTier();
		if (localTier != null) {
			localTier.put(backendKey, envelope);
		}
	}

	private void publishEviction(CallSite site, String keyString, String backendKey) {
		try {
			this.backend.publishEviction(site.cache(), backendKey);
		}
		catch (StampedeBackendException ex) {
			// Other JVMs' local tiers expire all the same; the event only makes them quicker.
			logger.debug("Could not publish the eviction of cache '{}' key '{}': {}", site.cache(), keyString,
					ex.getMessage());
		}
	}

	private void onKeyEvent(KeyEvent event, String cache, String backendKey) {
		if (event == KeyEvent.EVICTED) {
			Cache<String, Envelope> localTier = this.localTiers.get(cache);
			if (ALL_KEYS.equals(backendKey)) {
				this.generations.remove(cache);
				if (localTier != null) {
					localTier.invalidateAll();
				}
				return;
			}
			if (localTier != null) {
				localTier.invalidate(backendKey);
			}
		}
		Waiter waiter = this.waiters.get(backendKey);
		if (waiter != null) {
			waiter.wake();
		}
	}

	private static @Nullable Object awaitFlight(CompletableFuture<@Nullable Object> flight, CallSite site,
			String keyString) {
		try {
			return flight.get();
		}
		catch (ExecutionException ex) {
			throw Stampede.<RuntimeException>sneakyThrow(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new StampedeException(
					"Interrupted while waiting for cache '" + site.cache() + "' key '" + keyString + "'", ex);
		}
	}

	private static @Nullable Object awaitStage(@Nullable CompletionStage<?> stage, CallSite site) throws Throwable {
		if (stage == null) {
			throw new IllegalStateException(site.origin() + " returned a null future; return a completed future "
					+ "of null instead");
		}
		try {
			return stage.toCompletableFuture().get();
		}
		catch (ExecutionException ex) {
			throw ex.getCause();
		}
	}

	@SuppressWarnings("unchecked")
	private static <X extends Throwable> X sneakyThrow(Throwable ex) throws X {
		throw (X) ex;
	}

	/** The key generation of one cache as this JVM knows it. */
	private static final class Generation {

		volatile CacheKeys.GenerationPrefix keyPrefix;

		volatile boolean known;

		volatile long checkedAt = System.nanoTime() - GENERATION_CHECK_NANOS;

		final AtomicBoolean refreshing = new AtomicBoolean();

		Generation(CacheKeys.GenerationPrefix keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

	}

	/** Where the one thread of this JVM that waits for a key sleeps between reads, until woken or timed out. */
	private static final class Waiter {

		private boolean woken;

		synchronized void wake() {
			this.woken = true;
			notifyAll();
		}

		synchronized void await(long nanos, CallSite site, String keyString) {
			long deadline = System.nanoTime() + nanos;
			try {
				while (!this.woken) {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						break;
					}
					TimeUnit.NANOSECONDS.timedWait(this, left);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new StampedeException(
						"Interrupted while waiting for cache '" + site.cache() + "' key '" + keyString + "'", ex);
			}
			this.woken = false;
		}

	}

	private static final class DaemonThreads implements ThreadFactory {

		private final String prefix;

		private final AtomicInteger count = new AtomicInteger();

		DaemonThreads(String prefix) {
			this.prefix = prefix;
		}

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task, this.prefix + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
