package dev.stampede;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.stampede.backend.Slot;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one resolution of a key carries from the first read to the answer: the call
 * site, the key in both forms, the flight that shares the answer, the loader, and the
 * local tier's stamp taken before the backend was read. Owned by one thread at a
 * time (the flight's owner, or the engine thread running its next step); a load that
 * runs on a loader thread reads only what never changes, and times itself.
 */
final class Resolution {

	private static final Logger logger = LoggerFactory.getLogger(Stampede.class);

	private final CallSite site;

	private final String keyString;

	private final String backendKey;

	private final Flights.Flight flight;

	private final long localStamp;

	private final @Nullable Loader<?, ?> loader;

	private final @Nullable Supplier<? extends @Nullable CompletionStage<?>> asyncLoader;

	private final Predicate<@Nullable Object> storeIf;

	private final StampedeObserver observer;

	// The caller's context, captured on its thread, for what the engine's threads observe of an asynchronous call,
	// or of a blocking call's load that runs on a loader thread.
	private @Nullable Object observedParent;

	private StampedeObserver.Activity wait = StampedeObserver.Activity.NONE;

	private @Nullable String leaseHolder;

	private boolean firstRead = true;

	private Outcome outcome = Outcome.ERROR;

	private boolean unreadableCounted;

	private long loadStartNanos;

	private long failedAt;

	private Resolution(CallSite site, String keyString, String backendKey, Flights.Flight flight,
			long localStamp, @Nullable Loader<?, ?> loader,
			@Nullable Supplier<? extends @Nullable CompletionStage<?>> asyncLoader, Predicate<@Nullable Object> storeIf,
			StampedeObserver observer, @Nullable Object callerContext) {
		this.site = site;
		this.keyString = keyString;
		this.backendKey = backendKey;
		this.flight = flight;
		this.localStamp = localStamp;
		this.loader = loader;
		this.asyncLoader = asyncLoader;
		this.storeIf = storeIf;
		this.observer = observer;
		this.observedParent = callerContext;
	}

	static Resolution of(CallSite site, String keyString, String backendKey, Flights.Flight flight,
			long localStamp, Loader<?, ?> loader, Predicate<@Nullable Object> storeIf, StampedeObserver observer) {
		return new Resolution(site, keyString, backendKey, flight, localStamp, loader, null, storeIf, observer, null);
	}

	/**
	 * A resolution of an asynchronous call, which the engine's threads drive.
	 * @param callerContext what {@link #callerContext} returned on the caller's thread
	 */
	static Resolution ofAsync(CallSite site, String keyString, String backendKey,
			Flights.Flight flight, long localStamp,
			Supplier<? extends @Nullable CompletionStage<?>> loader, Predicate<@Nullable Object> storeIf,
			StampedeObserver observer, @Nullable Object callerContext) {
		return new Resolution(site, keyString, backendKey, flight, localStamp, null, loader, storeIf, observer,
				callerContext);
	}

	/**
	 * The context of the calling thread, taken before an asynchronous call leaves it, so
	 * that what the engine's threads observe of the call is part of it.
	 */
	static @Nullable Object callerContext(StampedeObserver observer) {
		return observed(observer::captureContext, null);
	}

	CallSite site() {
		return this.site;
	}

	String cache() {
		return this.site.cache();
	}

	CacheSettings settings() {
		return this.site.settings();
	}

	CacheStats stats() {
		return this.site.stats();
	}

	String keyString() {
		return this.keyString;
	}

	String backendKey() {
		return this.backendKey;
	}

	Flights.Flight flight() {
		return this.flight;
	}

	boolean isAsync() {
		return this.asyncLoader != null;
	}

	/** Whether this is the resolution's first read: outcomes of the call are counted on it. */
	boolean isFirstRead() {
		return this.firstRead;
	}

	void readOnce() {
		this.firstRead = false;
	}

	/** How the caller that owns this resolution ends, set by the lease loop as it answers. */
	void endAs(Outcome outcome) {
		this.outcome = outcome;
	}

	Outcome outcome() {
		return this.outcome;
	}

	/** The backend failed this resolution's read or lease, which began at the degraded tier's {@code stamp}. */
	void failedAt(long stamp) {
		this.failedAt = stamp;
	}

	/** The degraded tier's stamp taken before the read or lease that failed. */
	long failedAt() {
		return this.failedAt;
	}

	/** Whether unreadable data was counted already: it counts once per caller, not once per poll. */
	boolean countUnreadable() {
		boolean first = !this.unreadableCounted;
		this.unreadableCounted = true;
		return first;
	}

	/** Whether a value just computed is to be stored. */
	boolean shouldStore(@Nullable Object value) {
		return (value != null || settings().cacheNulls()) && this.storeIf.test(value);
	}

	/** Whether a stored value can be handed to this call site's callers. */
	boolean isUsable(Envelope envelope) {
		Object value = envelope.value();
		return value == null || this.site.valueType().isInstance(value);
	}

	/** Keeps a value read or written in this JVM's local tier, unless an eviction came since this resolution began. */
	void remember(Envelope envelope) {
		LocalTier tier = this.site.localTier();
		if (tier != null) {
			tier.remember(this.backendKey, envelope, this.localStamp);
		}
	}

	/**
	 * The blocking loader is about to run on a loader thread while the caller waits:
	 * what that thread observes of it is part of the caller's context, taken here, on the
	 * caller's thread.
	 */
	void loadsOnAnotherThread() {
		this.observedParent = observed(this.observer::captureContext, null);
	}

	/** The blocking loader runs on the caller's thread after all: its context is current there. */
	void loadsOnThisThread() {
		this.observedParent = null;
	}

	/** Calls the blocking loader on this thread. */
	@Nullable Object load() throws Throwable {
		if (this.loader == null) {
			throw new IllegalStateException("An asynchronous resolution starts its load, it does not block on it");
		}
		this.loadStartNanos = System.nanoTime();
		StampedeObserver.Activity load = loadStarted();
		StampedeObserver.Scope scope = observed(load::open, StampedeObserver.Scope.NONE);
		try {
			return this.loader.load();
		}
		catch (Throwable ex) {
			observe(() -> load.error(ex));
			throw ex;
		}
		finally {
			observe(scope::close);
			observe(load::stop);
		}
	}

	/**
	 * Starts the loader: an asynchronous one returns at once, a blocking one runs here.
	 * Never throws: a failure, or a loader that returned no future, fails the result.
	 */
	CompletableFuture<@Nullable Object> startLoad() {
		if (this.asyncLoader == null) {
			try {
				return CompletableFuture.completedFuture(load());
			}
			catch (Throwable ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}
		this.loadStartNanos = System.nanoTime();
		StampedeObserver.Activity load = loadStarted();
		StampedeObserver.Scope scope = observed(load::open, StampedeObserver.Scope.NONE);
		CompletableFuture<@Nullable Object> loaded = new CompletableFuture<>();
		try {
			CompletionStage<?> stage = this.asyncLoader.get();
			if (stage == null) {
				throw new IllegalStateException(this.site.origin() + " returned a null future; return a completed "
						+ "future of null instead");
			}
			stage.whenComplete((value, failure) -> {
				if (failure != null) {
					loaded.completeExceptionally(Flights.unwrap(failure));
				}
				else {
					loaded.complete(value);
				}
			});
		}
		catch (Throwable ex) {
			loaded.completeExceptionally(ex);
		}
		finally {
			observe(scope::close);
		}
		return loaded.whenComplete((value, failure) -> {
			if (failure != null) {
				observe(() -> load.error(failure));
			}
			observe(load::stop);
		});
	}

	private StampedeObserver.Activity loadStarted() {
		return observed(() -> this.observer.loadStarted(cache(), this.keyString, this.observedParent),
				StampedeObserver.Activity.NONE);
	}

	/**
	 * Wraps a value just loaded, fresh from {@code nowMillis} for {@code ttl}, with the
	 * time the load took, which the early-refresh formula weighs.
	 */
	Envelope envelope(@Nullable Object value, long nowMillis) {
		long loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.loadStartNanos);
		long freshUntil = nowMillis + settings().ttl().toMillis();
		return new Envelope(value, freshUntil, freshUntil + settings().staleTtl().toMillis(), loadMillis);
	}

	/** This caller lost the lease to another and starts waiting for its value. */
	void startWaiting() {
		this.wait = observed(() -> this.observer.waitStarted(cache(), this.keyString, this.observedParent),
				StampedeObserver.Activity.NONE);
	}

	/** The lease this caller waits for, as it read it last: its holder is the one it waited for. */
	void sawLease(Slot.Leased lease) {
		this.leaseHolder = lease.holder();
	}

	/**
	 * This caller stopped waiting, and goes on as {@code outcome}: with the value it
	 * waited for, by taking the lease over, by calling through, or by throwing {@code error}.
	 */
	void stopWaiting(Outcome outcome, @Nullable Throwable error) {
		StampedeObserver.Activity wait = this.wait;
		this.wait = StampedeObserver.Activity.NONE;
		String holder = this.leaseHolder;
		if (holder != null) {
			observe(() -> wait.heldBy(holder));
		}
		observe(() -> wait.outcome(outcome));
		if (error != null) {
			observe(() -> wait.error(error));
		}
		observe(wait::stop);
	}

	// An observer that throws must not lose a value or leave a flight unanswered.
	private static void observe(Runnable notification) {
		try {
			notification.run();
		}
		catch (RuntimeException ex) {
			logger.warn("A StampedeObserver failed; the call goes on", ex);
		}
	}

	private static <T> T observed(Supplier<T> notification, T otherwise) {
		try {
			return notification.get();
		}
		catch (RuntimeException ex) {
			logger.warn("A StampedeObserver failed; the call goes on", ex);
			return otherwise;
		}
	}

}
