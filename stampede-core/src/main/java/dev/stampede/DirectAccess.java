package dev.stampede;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes of one key outside a protected call: the plain read behind
 * {@link Stampede#peek}, which takes no lease, and the fenced write behind
 * {@link Stampede#put}.
 * <p>
 * A put must never undo an eviction that comes after it began, on any JVM, and
 * must not be undone by a load that began before it (that load may have read older
 * data). So it takes the cache's generation first (an {@code evictAll} after that
 * moves readers to keys it does not write), then reads the key once and writes only
 * at what it read: over a value, a compare-and-set at the value's version; into an
 * empty key, a lease that it fulfils, which an eviction in between ends. A load under
 * way is evicted, so its value is dropped by its own fenced write, and the put takes
 * the emptied key. When the key changed between the read and the write the put is
 * not written and the facade evicts the key instead: the cache then never holds a
 * value older than the put, at the price of one load.
 */
final class DirectAccess {

	private static final Logger logger = LoggerFactory.getLogger(Stampede.class);

	private final StampedeBackend backend;

	private final CacheKeys keys;

	private final Clock clock;

	private final Generations generations;

	private final Flights flights;

	private final Failures failures;

	private final EngineThreads threads;

	private final Supplier<String> tokens;

	private final Supplier<StampedeObserver> observer;

	private final DegradedTier degraded;

	DirectAccess(StampedeBackend backend, CacheKeys keys, Clock clock, Generations generations, Flights flights,
			Failures failures, EngineThreads threads, Supplier<String> tokens, Supplier<StampedeObserver> observer,
			DegradedTier degraded) {
		this.degraded = degraded;
		this.backend = backend;
		this.keys = keys;
		this.clock = clock;
		this.generations = generations;
		this.flights = flights;
		this.failures = failures;
		this.threads = threads;
		this.tokens = tokens;
		this.observer = observer;
	}

	/** What a put did. */
	enum Put {

		/** The value is stored. */
		STORED,

		/** Nothing was written: an eviction or a load that began after the put owns the key now. */
		LEFT,

		/** Nothing was written and the key may hold a value older than the put: evict it. */
		EVICT

	}

	/** Reads a fresh or stale value of {@code key}; see {@link Stampede#peek}. */
	Optional<Stampede.Cached> peek(CallSite site, Object key) {
		String keyString = CacheKeys.stringForm(key);
		String backendKey = this.keys.backendKey(this.generations.prefix(site), keyString);
		LocalTier tier = site.localTier();
		long stamp = 0;
		if (tier != null) {
			Envelope local = tier.get(backendKey);
			if (local != null && local.isFreshAt(this.clock.millis())) {
				site.stats().record(CacheEvent.LOCAL_HIT);
				return Optional.of(new Stampede.Cached(local.value()));
			}
			stamp = tier.stamp();
		}
		Slot slot;
		try {
			slot = this.backend.read(backendKey);
		}
		catch (StampedeBackendException ex) {
			backendFailed(site, keyString, "read", ex);
			return Optional.empty();
		}
		if (slot instanceof Slot.Present present) {
			Envelope envelope = present.envelope();
			long now = this.clock.millis();
			if (envelope.isFreshAt(now)) {
				site.stats().record(CacheEvent.HIT);
				if (tier != null) {
					tier.remember(backendKey, envelope, stamp);
				}
				return Optional.of(new Stampede.Cached(envelope.value()));
			}
			if (envelope.isServableAt(now)) {
				site.stats().record(CacheEvent.STALE);
				return Optional.of(new Stampede.Cached(envelope.value()));
			}
		}
		site.stats().record(CacheEvent.MISS);
		return Optional.empty();
	}

	/**
	 * Reads as {@link #peek} does, on the engine's threads when the backend is across
	 * a network, so that the caller never waits for it.
	 */
	CompletableFuture<Optional<Stampede.Cached>> peekAsync(CallSite site, Object key) {
		if (this.backend.isInProcess()) {
			try {
				return CompletableFuture.completedFuture(peek(site, key));
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}
		try {
			return CompletableFuture.supplyAsync(() -> peek(site, key), this.threads.scheduler());
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** Writes {@code value} as the value of {@code key}, fenced as this class describes. */
	Put put(CallSite site, Object key, @Nullable Object value) {
		if (value == null && !site.settings().cacheNulls()) {
			return Put.EVICT;
		}
		String keyString = CacheKeys.stringForm(key);
		String backendKey = this.keys.backendKey(this.generations.prefix(site), keyString);
		LocalTier tier = site.localTier();
		if (tier != null) {
			tier.evict(backendKey);
		}
		this.degraded.evict(site.cache(), backendKey);
		// Calls from now on must not join a load that began before this put.
		this.flights.detach(backendKey);
		long now = this.clock.millis();
		long freshUntil = now + site.settings().ttl().toMillis();
		Envelope envelope = new Envelope(value, freshUntil, freshUntil + site.settings().staleTtl().toMillis(), 0);
		try {
			Slot slot = this.backend.read(backendKey);
			Put put;
			if (slot instanceof Slot.Present present) {
				put = replace(site, backendKey, present.version(), envelope);
			}
			else if (slot instanceof Slot.Unreadable unreadable) {
				put = replace(site, backendKey, unreadable.version(), envelope);
			}
			else {
				if (slot instanceof Slot.Leased) {
					// A load that began before this put may have read older data: its fenced write
					// is dropped once its lease is gone.
					this.backend.evict(backendKey);
				}
				put = leaseAndFulfil(site, keyString, backendKey, envelope);
			}
			if (put == Put.STORED) {
				publishReplacement(site.cache(), keyString, backendKey);
			}
			return put;
		}
		catch (StampedeBackendException ex) {
			backendFailed(site, keyString, "write", ex);
			return Put.EVICT;
		}
		catch (StampedeValueTooLargeException ex) {
			logger.warn("Not storing the value put into cache '{}' key '{}': {}", site.cache(), keyString,
					ex.getMessage());
			return Put.EVICT;
		}
		catch (StampedeSerializationException ex) {
			throw new StampedeSerializationException("Cannot cache the value put into cache '" + site.cache()
					+ "' key '" + keyString + "': " + ex.getMessage(), ex);
		}
		finally {
			if (tier != null) {
				// Again once the backend answered, for readers it answered just before.
				tier.evict(backendKey);
			}
			this.degraded.evict(site.cache(), backendKey);
		}
	}

	private Put replace(CallSite site, String backendKey, long version, Envelope envelope) {
		if (this.backend.replace(backendKey, version, envelope, site.settings().storageTtl())) {
			return Put.STORED;
		}
		// Evicted, leased or rewritten since it was read; a rewrite may be a refresh that
		// loaded before this put, so the key is evicted rather than left as it is.
		return Put.EVICT;
	}

	private Put leaseAndFulfil(CallSite site, String keyString, String backendKey, Envelope envelope) {
		String token = this.tokens.get();
		boolean leased;
		try {
			leased = this.backend.tryLease(backendKey, Slot.EMPTY, token, site.settings().leaseTtl());
		}
		catch (StampedeBackendException | StampedeInterruptedException ex) {
			// The server may have taken the lease before its answer was lost: give it back by its token.
			Uninterrupted.run(() -> abandon(site, keyString, backendKey, token));
			throw ex;
		}
		if (!leased) {
			// Someone leased the key after this put read it: that load reads data at least as new.
			return Put.LEFT;
		}
		site.stats().leaseTaken(keyString);
		boolean written = false;
		try {
			written = this.backend.fulfilLease(site.cache(), backendKey, token, envelope,
					site.settings().storageTtl());
			return written ? Put.STORED : Put.LEFT;
		}
		finally {
			if (!written) {
				Uninterrupted.run(() -> abandon(site, keyString, backendKey, token));
			}
			site.stats().leaseEnded(keyString);
		}
	}

	// If this fails too, the lease ends by itself after lease-ttl.
	private void abandon(CallSite site, String keyString, String backendKey, String token) {
		try {
			this.backend.abandonLease(site.cache(), backendKey, token);
		}
		catch (StampedeBackendException ex) {
			this.failures.backendFailed(site, keyString, "release the lease of", ex);
		}
	}

	// Other JVMs' local tiers drop the value this put replaced; they expire all the same.
	private void publishReplacement(String cache, String keyString, String backendKey) {
		try {
			this.backend.publishEviction(cache, backendKey);
		}
		catch (StampedeBackendException ex) {
			logger.debug("Could not publish the put into cache '{}' key '{}': {}", cache, keyString, ex.getMessage());
		}
	}

	private void backendFailed(CallSite site, String keyString, String operation, StampedeBackendException ex) {
		site.stats().record(CacheEvent.BACKEND_ERROR);
		if (site.settings().onBackendFailure() == FailurePolicy.FAIL) {
			this.observer.get().backendFailed(this.backend.name(), ex);
			throw new StampedeBackendException("Could not " + operation + " cache '" + site.cache() + "' key '"
					+ keyString + "' on the " + this.backend.name() + " backend: " + ex.getMessage()
					+ ". on-backend-failure is fail; set it to call-through to go on without the cache while the "
					+ "backend is down", ex);
		}
		this.failures.backendFailed(site, keyString, operation, ex);
	}

}
