package dev.stampede;

import java.lang.reflect.Type;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * unchanged, unless the cache keeps values for {@code fail-safe-ttl}: then the key's
 * last good value answers them. With {@code soft-timeout} or {@code hard-timeout},
 * callers stop waiting for a slow load, which goes on and stores its value. Backend
 * failures and wait timeouts follow the cache's {@link FailurePolicy policies}. Every
 * wait for another caller is bounded by {@code max-wait}.
 * <p>
 * This class is the facade; each mechanism has its own package-private class:
 * {@link Flights} (single flight), {@link LeaseLoop} and {@link AsyncFlight} (read,
 * lease, wait), {@link Winner} (storing a loaded value), {@link Refresher} and
 * {@link EarlyRefresh} (stale and early refresh), {@link FailSafe} and {@link LoadTimeouts}
 * (fail-safe values, loader timeouts), {@link Waiters} (wake-ups),
 * {@link Evictions}, {@link Generations} (evicting keys and whole caches), {@link LocalTier} (values kept in this
 * JVM), {@link DegradedTier} (values kept while the backend fails), {@link KeyEvents} (the backend's events), {@link Failures} and
 * {@link WarningLimiter} (failure policies), {@link EngineThreads}, {@link DirectAccess} (plain
 * reads and fenced writes outside a protected call).
 */
public final class Stampede implements AutoCloseable {

	/** What a call under way when the engine closes fails with. */
	static final String CLOSED = "Stampede is closed";

	private static final Logger logger = LoggerFactory.getLogger(Stampede.class);

	private final StampedeBackend backend;

	private final CacheKeys keys;

	private final Clock clock;

	private final CallSites callSites;

	private final Flights flights = new Flights();

	private final Generations generations;

	private final Failures failures;

	private final LeaseLoop leaseLoop;

	private final Refresher refresher;

	private final DirectAccess direct;

	private final Evictions evictions;

	private final DegradedTier degraded;

	private final EngineThreads threads;

	private final StampedeInspection inspection;

	private final AutoCloseable subscription;

	private final String tokenPrefix = UUID.randomUUID() + "/";

	private final AtomicLong tokenCounter = new AtomicLong();

	private final AtomicReference<StampedeObserver> observer = new AtomicReference<>(StampedeObserver.NONE);

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
		this(backend, settings, keyPrefix, clock, new EngineThreads(refreshThreads, refreshQueueCapacity,
				Math.max(2, Runtime.getRuntime().availableProcessors())));
	}

	Stampede(StampedeBackend backend, StampedeSettings settings, String keyPrefix, Clock clock,
			EngineThreads threads) {
		this.backend = backend;
		this.keys = new CacheKeys(keyPrefix);
		this.clock = clock;
		this.generations = new Generations(backend, this.keys, System::nanoTime);
		this.callSites = new CallSites(settings, backend, this::observer, this.generations);
		this.failures = new Failures(backend, this::observer, new WarningLimiter());
		this.threads = threads;
		Waiters waiters = new Waiters();
		this.degraded = new DegradedTier(clock);
		LoadTimeouts timeouts = new LoadTimeouts(threads, this.flights, this.failures);
		this.refresher = new Refresher(backend, clock, this.failures, threads, this::nextToken, timeouts);
		this.leaseLoop = new LeaseLoop(backend, clock, new EarlyRefresh(), this.refresher, this.failures, this.flights,
				waiters, threads, this::nextToken, this.degraded, timeouts);
		this.direct = new DirectAccess(backend, this.keys, clock, this.generations, this.flights, this.failures, threads,
				this::nextToken, this::observer, this.degraded);
		this.evictions = new Evictions(backend, this.keys, this.generations, this.flights, this.failures,
				this.degraded);
		this.inspection = new StampedeInspection(backend, this.callSites, this.flights, waiters, this.keys,
				this.generations, this.degraded);
		Function<String, @Nullable LocalTier> localTiers = this.callSites::localTier;
		this.subscription = backend.subscribe(new KeyEvents(waiters, localTiers, this.generations, this.degraded));
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
		return this.callSites.register(cache, overrides, origin, valueType);
	}

	/**
	 * Resolves the settings of a call site whose values have a known generic type, such
	 * as {@code List<Product>}, once.
	 * @param declaredType type of the values it returns: the codec decodes stored values
	 * as it, and reads no class it does not reach, so that bytes planted in a shared
	 * cache cannot choose what is instantiated; a stored value of another type is a miss
	 * @see #callSite(String, CacheSettings.Overrides, String, Class)
	 */
	public CallSite callSite(String cache, CacheSettings.Overrides overrides, String origin, Type declaredType) {
		return this.callSites.register(cache, overrides, origin, declaredType);
	}

	/** A read-only view of this engine's caches, counters and work under way. */
	public StampedeInspection inspection() {
		return this.inspection;
	}

	/**
	 * Tells {@code observer} about loads, waits and backend failures from now on, after
	 * the observers added before it; adding one that was added already changes nothing.
	 */
	public void addObserver(StampedeObserver observer) {
		this.observer.updateAndGet((current) -> Observers.with(current, observer));
	}

	/**
	 * Returns the value of {@code key} in {@code cache}, calling {@code loader} on a
	 * miss in at most one caller across every JVM that shares the backend.
	 * @param cache the cache name, which selects its settings
	 * @param key the key; see {@link CacheKeys} for its string form
	 * @param loader computes the value on a miss
	 * @return the cached or loaded value; or, when the load failed or ran past a timeout,
	 * the key's stale or fail-safe value
	 * @throws E what the loader threw, unchanged, when no fail-safe value answers it
	 * @throws StampedeTimeoutException if the load ran past {@code hard-timeout} and the key
	 * has no older value to serve; the load goes on and stores its value
	 * @throws StampedeInterruptedException if this thread is interrupted while it waits;
	 * other callers of the key go on
	 */
	public <T, E extends Throwable> @Nullable T get(String cache, Object key, Loader<T, E> loader) throws E {
		return get(this.callSites.programmatic(cache), key, loader, (value) -> true);
	}

	/**
	 * Returns the value of {@code key} as {@link #get(String, Object, Loader)} does,
	 * for a call site whose settings were resolved by {@link #callSite}.
	 * @param storeIf decides whether a loaded value is stored; a value it rejects is returned but not cached
	 */
	public <T, E extends Throwable> @Nullable T get(CallSite site, Object key, Loader<T, E> loader,
			Predicate<? super @Nullable T> storeIf) throws E {
		return get(site, key, loader, Loader::load, storeIf);
	}

	/**
	 * Returns the value of {@code key} as {@link #get(CallSite, Object, Loader, Predicate)}
	 * does, with a loader that is handed {@code argument} on a miss: with a loader that
	 * captures nothing, a hit allocates nothing but its key.
	 * @param argument what {@code loader} is handed on a miss
	 * @param loader computes the value on a miss
	 * @param storeIf decides whether a loaded value is stored; a value it rejects is returned but not cached
	 */
	@SuppressWarnings("unchecked")
	public <A, T, E extends Throwable> @Nullable T get(CallSite site, Object key, A argument,
			ArgumentLoader<? super A, T, E> loader, Predicate<? super @Nullable T> storeIf) throws E {
		String keyString = CacheKeys.stringForm(key);
		String backendKey = this.keys.backendKey(this.generations.prefix(site), keyString);
		Envelope hit = freshInThisJvm(site, backendKey);
		if (hit != null) {
			return (T) hit.value();
		}
		return resolve(site, keyString, backendKey, () -> loader.load(argument),
				(Predicate<@Nullable Object>) storeIf);
	}

	@SuppressWarnings("unchecked")
	private <T> @Nullable T resolve(CallSite site, String keyString, String backendKey, Loader<T, ?> loader,
			Predicate<@Nullable Object> storeIf) {
		long localStamp = localStamp(site);
		try {
			while (true) {
				Flights.Flight flight = new Flights.Flight();
				Flights.Flight joined = this.flights.join(backendKey, flight);
				if (joined == null) {
					return (T) this.leaseLoop.fly(Resolution.of(site, keyString, backendKey, flight, localStamp, loader,
							storeIf, observer()));
				}
				site.stats().record(CacheEvent.JOINED);
				Object value;
				try {
					value = Flights.await(joined, site.cache(), keyString);
				}
				catch (StampedeBackendException ex) {
					if (site.settings().onBackendFailure() != FailurePolicy.CALL_THROUGH) {
						site.stats().called(Outcome.ERROR);
						throw ex;
					}
					// The call site that owned the flight fails on a backend failure; this one calls through.
					return (T) this.leaseLoop.fly(Resolution.of(site, keyString, backendKey, new Flights.Flight(),
							localStamp, loader, storeIf, this.observer.get()));
				}
				catch (Throwable ex) {
					site.stats().called(Outcome.ERROR);
					throw ex;
				}
				if (value == Flights.REATTEMPT) {
					continue;
				}
				if (value == null || site.valueType().isInstance(value)) {
					site.stats().called(joined.outcome());
					return (T) value;
				}
				// A call site of another type shares the key: resolve on a flight of this call's own.
				return (T) this.leaseLoop.fly(Resolution.of(site, keyString, backendKey, new Flights.Flight(),
						localStamp, loader, storeIf, observer()));
			}
		}
		catch (Throwable ex) {
			throw Stampede.<RuntimeException>sneakyThrow(ex);
		}
	}

	/**
	 * Returns a future of the value of {@code key} in {@code cache}. On a miss,
	 * {@code loader} is called in at most one caller across every JVM and its future's
	 * result is cached once it completes. Waiting happens on Stampede's own threads,
	 * never on the caller's, and costs no thread per key.
	 */
	public <T> CompletableFuture<T> getAsync(String cache, Object key,
			Supplier<? extends CompletionStage<? extends T>> loader) {
		return getAsync(this.callSites.programmatic(cache), key, loader, (value) -> true);
	}

	/**
	 * Returns a future of the value of {@code key} as
	 * {@link #getAsync(String, Object, Supplier)} does, for a resolved call site.
	 * @param storeIf decides whether a loaded value is stored
	 */
	public <T> CompletableFuture<T> getAsync(CallSite site, Object key,
			Supplier<? extends CompletionStage<? extends T>> loader, Predicate<? super @Nullable T> storeIf) {
		return getAsync(site, key, loader, storeIf, Resolution.callerContext(observer()));
	}

	private <T> CompletableFuture<T> getAsync(CallSite site, Object key,
			Supplier<? extends CompletionStage<? extends T>> loader, Predicate<? super @Nullable T> storeIf,
			@Nullable Object callerContext) {
		CacheKeys.GenerationPrefix prefix = this.generations.prefixWithoutWaiting(site, this.threads.scheduler());
		if (prefix != null) {
			return getAsync(site, key, loader, storeIf, prefix, callerContext);
		}
		// Learning the generation is a round trip to the backend: on the engine's threads,
		// never the caller's, which may be an event loop.
		try {
			return CompletableFuture
				.supplyAsync(() -> this.<T>getAsync(site, key, loader, storeIf, this.generations.prefix(site),
						callerContext), this.threads.scheduler())
				.thenCompose(Function.identity());
		}
		catch (RuntimeException | Error ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private <T> CompletableFuture<T> getAsync(CallSite site, Object key,
			Supplier<? extends CompletionStage<? extends T>> loader, Predicate<? super @Nullable T> storeIf,
			CacheKeys.GenerationPrefix prefix, @Nullable Object callerContext) {
		String keyString = CacheKeys.stringForm(key);
		String backendKey = this.keys.backendKey(prefix, keyString);
		Envelope hit = freshInThisJvm(site, backendKey);
		if (hit != null) {
			return CompletableFuture.completedFuture((T) hit.value());
		}
		long localStamp = localStamp(site);
		Flights.Flight flight = new Flights.Flight();
		Flights.Flight joined = this.flights.join(backendKey, flight);
		if (joined != null) {
			site.stats().record(CacheEvent.JOINED);
			// A flight whose blocking owner was interrupted is started again, not failed.
			return joined.handle((value, failure) -> {
				if (failure == null) {
					if (value != null && !site.valueType().isInstance(value)) {
						// A call site of another type shares the key: resolve on a flight of this call's own.
						return flyAsyncAlone(site, keyString, backendKey, localStamp, loader, storeIf, callerContext);
					}
					site.stats().called(joined.outcome());
					return CompletableFuture.completedFuture((T) value);
				}
				if (Flights.isReattempt(failure)) {
					return getAsync(site, key, loader, storeIf, callerContext);
				}
				if (Flights.unwrap(failure) instanceof StampedeBackendException
						&& site.settings().onBackendFailure() == FailurePolicy.CALL_THROUGH) {
					// The call site that owned the flight fails on a backend failure; this one calls through.
					return flyAsyncAlone(site, keyString, backendKey, localStamp, loader, storeIf, callerContext);
				}
				site.stats().called(Outcome.ERROR);
				return CompletableFuture.<T>failedFuture(Flights.unwrap(failure));
			}).thenCompose(Function.identity());
		}
		this.leaseLoop.flyAsync(Resolution.ofAsync(site, keyString, backendKey, flight, localStamp, loader,
				(Predicate<@Nullable Object>) storeIf, observer(), callerContext));
		return (CompletableFuture<T>) flight.copy();
	}

	// A resolution of this call's own that no other call joins.
	@SuppressWarnings("unchecked")
	private <T> CompletableFuture<T> flyAsyncAlone(CallSite site, String keyString, String backendKey,
			long localStamp, Supplier<? extends CompletionStage<? extends T>> loader,
			Predicate<? super @Nullable T> storeIf, @Nullable Object callerContext) {
		Flights.Flight own = new Flights.Flight();
		this.leaseLoop.flyAsync(Resolution.ofAsync(site, keyString, backendKey, own, localStamp, loader,
				(Predicate<@Nullable Object>) storeIf, observer(), callerContext));
		return (CompletableFuture<T>) own.copy();
	}

	/**
	 * Reads {@code key} in {@code cache} without loading it: a fresh value, or a stale
	 * one within {@code stale-ttl}. It takes no lease and starts no refresh; a key whose
	 * value is being loaded reads as absent. Counted as a hit, local hit, stale or miss.
	 * @return the cached value, possibly {@code null}, or empty when nothing servable is cached
	 * @throws StampedeBackendException if the backend fails and {@code on-backend-failure} is
	 * {@code fail}; with {@code call-through} the key reads as absent
	 */
	public Optional<Cached> peek(String cache, Object key) {
		return this.direct.peek(this.callSites.programmatic(cache), key);
	}

	/**
	 * Reads as {@link #peek} does without blocking the caller: a backend across a
	 * network is read on Stampede's own threads.
	 */
	public CompletableFuture<Optional<Cached>> peekAsync(String cache, Object key) {
		return this.direct.peekAsync(this.callSites.programmatic(cache), key);
	}

	/**
	 * Stores {@code value} as the value of {@code key} in {@code cache}, fresh for the
	 * cache's {@code ttl}, without calling any loader. The write is fenced: an eviction
	 * of the key or of the whole cache that comes after the put read the key is never
	 * undone, and a load that was under way when the put began cannot overwrite it with
	 * older data (its lease is ended). When the key changed between the put's read and
	 * its write, or the value cannot be stored ({@code null} with {@code cache-nulls} off,
	 * too large, a backend failure under {@code call-through}), the key is evicted
	 * instead, so the cache never keeps a value older than the put. Local tiers forget
	 * the key as on an eviction.
	 * @return whether {@code value} was stored
	 * @throws StampedeSerializationException if the value cannot be encoded; the key is evicted
	 * @throws StampedeBackendException if the backend fails and {@code on-backend-failure} is {@code fail}
	 */
	public boolean put(String cache, Object key, @Nullable Object value) {
		DirectAccess.Put result;
		try {
			result = this.direct.put(this.callSites.programmatic(cache), key, value);
		}
		catch (RuntimeException ex) {
			try {
				evict(cache, key);
			}
			catch (RuntimeException suppressed) {
				ex.addSuppressed(suppressed);
			}
			throw ex;
		}
		if (result == DirectAccess.Put.EVICT) {
			evict(cache, key);
		}
		return result == DirectAccess.Put.STORED;
	}

	/**
	 * Removes {@code key} from {@code cache}, and ends any lease on it so that the next
	 * reader loads fresh data. A value being computed at this moment is not written
	 * (fencing), and a read answered before the eviction does not put the old value
	 * back into this JVM's local tier, so the eviction is never undone. Local tiers
	 * forget the key: this JVM's at once, other JVMs' as soon as the backend tells them.
	 */
	public void evict(String cache, Object key) {
		this.evictions.evict(this.callSites.programmatic(cache), key);
	}

	/**
	 * Removes every entry of {@code cache} by moving it to a new generation of keys:
	 * the old entries become unreachable at once and expire on their own, and values
	 * being computed for them are never seen. This JVM uses the new generation from
	 * now on; other JVMs follow within a second, or at once where the backend notifies.
	 */
	public void evictAll(String cache) {
		this.evictions.evictAll(this.callSites.programmatic(cache));
	}

	/**
	 * Stops listening to the backend's events and the threads that drive asynchronous
	 * callers and run refreshes; flights still under way fail. The backend is not closed.
	 */
	@Override
	public void close() {
		try {
			this.subscription.close();
		}
		catch (Exception ex) {
			logger.debug("Could not unsubscribe from the {} backend", this.backend.name(), ex);
		}
		this.refresher.dropped(this.threads.shutDown());
		this.flights.failAll(new StampedeException(CLOSED));
	}

	private StampedeObserver observer() {
		return this.observer.get();
	}

	private String nextToken() {
		return this.tokenPrefix + this.tokenCounter.incrementAndGet();
	}

	// A fresh value this JVM answers with at once: from the cache's local tier, from the
	// degraded tier while the backend fails, or from an in-process backend.
	private @Nullable Envelope freshInThisJvm(CallSite site, String backendKey) {
		LocalTier tier = site.localTier();
		if (tier != null) {
			Envelope local = tier.get(backendKey);
			if (local != null && local.isFreshAt(this.clock.millis())) {
				site.stats().calledLocalTierHit();
				return local;
			}
		}
		if (this.degraded.isDegraded()) {
			Envelope kept = this.degraded.beforeBackend(site, backendKey);
			if (kept != null) {
				site.stats().called(Outcome.DEGRADED_HIT);
				return kept;
			}
		}
		return inProcessHit(site, backendKey);
	}

	// Taken before the backend is read: what the read brings back is kept in the local tier
	// only if no eviction came since.
	private static long localStamp(CallSite site) {
		LocalTier tier = site.localTier();
		return (tier != null) ? tier.stamp() : 0;
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
			slot = this.backend.read(backendKey, site.declaredType());
		}
		catch (StampedeBackendException ex) {
			return null;
		}
		if (!(slot instanceof Slot.Present present)) {
			return null;
		}
		Envelope envelope = present.envelope();
		Object value = envelope.value();
		if ((value != null && !site.valueType().isInstance(value)) || !envelope.isFreshAt(this.clock.millis())) {
			return null;
		}
		site.stats().calledInProcessHit();
		return envelope;
	}

	/**
	 * A value found by {@link #peek}.
	 * @param value the cached value; {@code null} when {@code null} was cached
	 */
	public record Cached(@Nullable Object value) {
	}

	@SuppressWarnings("unchecked")
	private static <X extends Throwable> X sneakyThrow(Throwable ex) throws X {
		throw (X) ex;
	}

}
