package dev.stampede;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease loop of one flight: read the key; serve a fresh or stale value; on a
 * miss take the lease and, as the winner, load and store the value; else wait for
 * the holder, paced by a {@link WaitSchedule} or until woken, and read again; give up
 * after {@code max-wait}. Each look at the backend is one {@link #attempt}, which both
 * drivers share: a blocking caller runs the loop on its own thread, an asynchronous
 * one has the engine's scheduler run each attempt and each pause ({@link AsyncFlight}),
 * so that no thread waits for it. The {@link Winner} stores the value.
 */
final class LeaseLoop {

	private static final Logger logger = LoggerFactory.getLogger(Stampede.class);

	private final StampedeBackend backend;

	private final Clock clock;

	private final EarlyRefresh earlyRefresh;

	private final Refresher refresher;

	private final Failures failures;

	private final Flights flights;

	private final Waiters waiters;

	private final EngineThreads threads;

	private final Supplier<String> tokens;

	private final Winner winner;

	private final DegradedTier degraded;

	private final LoadTimeouts timeouts;

	LeaseLoop(StampedeBackend backend, Clock clock, EarlyRefresh earlyRefresh, Refresher refresher, Failures failures,
			Flights flights, Waiters waiters, EngineThreads threads, Supplier<String> tokens, DegradedTier degraded,
			LoadTimeouts timeouts) {
		this.winner = new Winner(backend, clock, failures);
		this.degraded = degraded;
		this.timeouts = timeouts;
		this.backend = backend;
		this.clock = clock;
		this.earlyRefresh = earlyRefresh;
		this.refresher = refresher;
		this.failures = failures;
		this.flights = flights;
		this.waiters = waiters;
		this.threads = threads;
		this.tokens = tokens;
	}

	/** What one look at the backend decided. */
	sealed interface Step permits Done, Won, Refreshing, Wait, Failed {
	}

	/** Answer with this value; the caller ends as {@code outcome} unless it waited for it. */
	record Done(@Nullable Object value, Outcome outcome) implements Step {
	}

	/**
	 * This caller holds the key's lease: it loads and stores the value.
	 * @param fallback the key's fail-safe value, which the callers get if the load fails
	 */
	record Won(String token, @Nullable Envelope fallback) implements Step {
	}

	/**
	 * This blocking caller holds the refresh lease of a value it read and refreshes it
	 * inline; the callers that joined it get the value it read, as {@code servedAs}.
	 */
	record Refreshing(Slot.Present present, String token, Outcome servedAs) implements Step {
	}

	/**
	 * Another caller holds the lease: wait and read again.
	 * @param lease the lease that was read, or {@code null} when this caller lost the race to take it
	 */
	record Wait(Slot.@Nullable Leased lease) implements Step {
	}

	/** The backend failed: the failure policy decides. */
	record Failed(StampedeBackendException failure) implements Step {
	}

	private static final Wait LEASE_LOST = new Wait(null);

	/**
	 * Reads the key once and, on a miss, tries to take its lease. A look the backend
	 * answered in full ends a degraded state; one it failed starts it, unless the
	 * backend answered another call meanwhile.
	 */
	Step attempt(Resolution resolution) {
		long stamp = this.degraded.stamp();
		Step step = look(resolution);
		if (step instanceof Failed) {
			this.degraded.backendFailed(stamp);
			resolution.failedAt(stamp);
		}
		else {
			this.degraded.backendAnswered();
		}
		return step;
	}

	private Step look(Resolution resolution) {
		CacheStats stats = resolution.stats();
		Slot slot;
		try {
			slot = this.backend.read(resolution.backendKey(), resolution.site().declaredType());
			if (this.degraded.isEvictionPending(resolution.backendKey())) {
				// This JVM evicted the key while the backend failed: what the backend holds is older.
				this.backend.evict(resolution.backendKey());
				this.degraded.evictionApplied(resolution.backendKey());
				slot = Slot.EMPTY;
			}
		}
		catch (StampedeBackendException ex) {
			return new Failed(ex);
		}
		if (slot instanceof Slot.Present present && !resolution.isUsable(present.envelope())) {
			slot = new Slot.Unreadable(present.version(), UnreadableReason.OTHER_TYPE,
					"a value of another type than " + resolution.site().valueType().getName());
		}
		Envelope fallback = null;
		if (slot instanceof Slot.Present present) {
			Envelope envelope = present.envelope();
			long now = this.clock.millis();
			if (envelope.isFreshAt(now)) {
				if (resolution.isFirstRead()) {
					stats.record(CacheEvent.HIT);
					if (this.earlyRefresh.isDue(resolution.settings().earlyRefreshBeta(), envelope, now)) {
						return this.refresher.begin(resolution, present, Outcome.HIT);
					}
				}
				if (!resolution.isFirstRead()) {
					// The value this caller waited for: its load time tells the next lease of this call site.
					resolution.site().loadTimes().record(envelope.loadMillis());
				}
				resolution.remember(envelope);
				return new Done(envelope.value(), Outcome.HIT);
			}
			if (envelope.isServableAt(now)) {
				stats.record(CacheEvent.STALE);
				return this.refresher.begin(resolution, present, Outcome.STALE);
			}
			if (FailSafe.isFallbackAt(envelope, resolution.settings(), now)) {
				fallback = envelope;
			}
		}
		if (resolution.isFirstRead()) {
			stats.record(CacheEvent.MISS);
			resolution.readOnce();
		}
		if (slot instanceof Slot.Unreadable unreadable) {
			this.failures.unreadable(resolution, unreadable);
		}
		if (slot instanceof Slot.Leased leased) {
			return new Wait(leased);
		}
		String token = this.tokens.get();
		try {
			if (!this.backend.tryLease(resolution.backendKey(), slot, token, resolution.settings().leaseTtl(),
					estimate(resolution, slot))) {
				return LEASE_LOST;
			}
		}
		catch (StampedeBackendException | StampedeInterruptedException ex) {
			// The server may have taken the lease before its answer was lost: give it back by its token.
			this.winner.abandon(resolution, token);
			if (ex instanceof StampedeBackendException failure) {
				return new Failed(failure);
			}
			throw ex;
		}
		stats.record(CacheEvent.LEASE_WON);
		stats.leaseTaken(resolution.keyString());
		return new Won(token, fallback);
	}

	// The key's own last load time when the value it replaces is still there, else the call site's.
	private LoadEstimate estimate(Resolution resolution, Slot slot) {
		long expected = (slot instanceof Slot.Present present) ? present.envelope().loadMillis()
				: resolution.site().loadTimes().estimateMillis();
		return new LoadEstimate(expected, this.clock.millis());
	}

	/** The schedule of one caller's wait, from its settings. */
	static WaitSchedule schedule(Resolution resolution) {
		return new WaitSchedule(resolution.settings().backoff(), resolution.settings().leaseTtl());
	}

	/** Tells {@code schedule} and {@code resolution} of the lease that {@code wait} read, if it read one. */
	void saw(Resolution resolution, WaitSchedule schedule, Wait wait, long nowNanos) {
		Slot.Leased lease = wait.lease();
		if (lease != null) {
			schedule.sawLease(lease, nowNanos, this.clock.millis());
			resolution.sawLease(lease);
		}
	}

	/**
	 * Resolves a blocking caller's flight on its own thread and hands the answer to
	 * every caller that joined it. When this thread is interrupted, only it stops: the
	 * joined callers go on without it, even when the interrupt made its loader fail.
	 */
	@Nullable Object fly(Resolution resolution) throws Throwable {
		Object value;
		try {
			value = resolve(resolution);
		}
		catch (Throwable ex) {
			resolution.stats().called(Outcome.ERROR);
			if (ex instanceof StampedeInterruptedException || ex instanceof InterruptedException
					|| Thread.currentThread().isInterrupted()) {
				this.flights.handOver(resolution.backendKey(), resolution.flight());
			}
			else {
				this.flights.fail(resolution.backendKey(), resolution.flight(), ex);
			}
			throw ex;
		}
		resolution.stats().called(resolution.outcome());
		this.flights.land(resolution.backendKey(), resolution.flight(), value, resolution.outcome());
		return value;
	}

	private @Nullable Object resolve(Resolution resolution) throws Throwable {
		long start = System.nanoTime();
		long deadline = start + resolution.settings().maxWait().toNanos();
		WaitSchedule schedule = null;
		Waiters.Sleeper sleeper = null;
		boolean waited = false;
		try {
			while (true) {
				Step step = attempt(resolution);
				if (!(step instanceof Wait) && !(step instanceof Failed)) {
					// No longer waiting for another caller: not while it loads, refreshes or calls through either.
					stopWaiting(resolution, sleeper, (step instanceof Done) ? Outcome.WAITED : Outcome.LOADED, null);
					sleeper = null;
				}
				if (step instanceof Done done) {
					resolution.endAs(waited ? Outcome.WAITED : done.outcome());
					return done.value();
				}
				if (step instanceof Won won) {
					resolution.endAs(Outcome.LOADED);
					return answer(resolution, this.timeouts.load(resolution, won.fallback(),
							(value, failure) -> this.winner.complete(resolution, won.token(), won.fallback(), value,
									failure)));
				}
				if (step instanceof Refreshing refreshing) {
					// Only this caller pays for an inline refresh: those that joined it get the current value now.
					this.flights.land(resolution.backendKey(), resolution.flight(),
							refreshing.present().envelope().value(), refreshing.servedAs());
					resolution.endAs(Outcome.LOADED);
					return answer(resolution,
							this.refresher.refresh(resolution, refreshing.present(), refreshing.token()));
				}
				if (step instanceof Failed failed) {
					// The failure policy may throw: the wait then ends as the call does.
					this.failures.readFailed(resolution, failed.failure());
					stopWaiting(resolution, sleeper, Outcome.CALL_THROUGH, null);
					sleeper = null;
					return callThroughDegraded(resolution);
				}
				long now = System.nanoTime();
				if (now - deadline >= 0) {
					this.failures.waitTimedOut(resolution, Duration.ofNanos(now - start));
					stopWaiting(resolution, sleeper, Outcome.CALL_THROUGH, null);
					sleeper = null;
					resolution.endAs(Outcome.CALL_THROUGH);
					return resolution.load();
				}
				if (schedule == null) {
					schedule = schedule(resolution);
				}
				saw(resolution, schedule, (Wait) step, now);
				if (sleeper == null) {
					// Read once more right after registering, so that a wake-up published between
					// the read above and the registration is not missed.
					resolution.stats().record(CacheEvent.LEASE_LOST);
					waited = true;
					sleeper = new Waiters.Sleeper();
					resolution.startWaiting();
					this.waiters.register(resolution.backendKey(), sleeper);
					continue;
				}
				try {
					sleeper.sleep(Math.min(schedule.nextPause(now), deadline - now));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new StampedeInterruptedException("Interrupted while waiting for cache '" + resolution.cache()
							+ "' key '" + resolution.keyString() + "'", ex);
				}
			}
		}
		catch (Throwable ex) {
			stopWaiting(resolution, sleeper, Outcome.ERROR, ex);
			throw ex;
		}
	}

	/**
	 * The backend failed a blocking caller that calls through: it answers from the
	 * degraded tier, or loads and keeps the value there. A stale value is reloaded by
	 * one caller of this JVM at a time, which pays for the load; those that joined it
	 * get the stale value at once, and so does the reloading caller if the load fails.
	 */
	private @Nullable Object callThroughDegraded(Resolution resolution) throws Throwable {
		Envelope kept = this.degraded.servable(resolution.site(), resolution.backendKey());
		if (kept != null && (this.degraded.isFresh(kept) || !this.degraded.startReload(resolution.backendKey()))) {
			resolution.endAs(Outcome.DEGRADED_HIT);
			return kept.value();
		}
		resolution.endAs(Outcome.CALL_THROUGH);
		resolution.stats().record(CacheEvent.CALL_THROUGH);
		if (kept == null) {
			Envelope fallback = this.degraded.fallback(resolution.site(), resolution.backendKey());
			Object value;
			try {
				value = resolution.load();
			}
			catch (Throwable ex) {
				Envelope throttled = throttledFallback(resolution, fallback, ex);
				if (throttled == null) {
					throw ex;
				}
				return throttled.value();
			}
			keepDegraded(resolution, value);
			return value;
		}
		this.flights.land(resolution.backendKey(), resolution.flight(), kept.value(), Outcome.DEGRADED_HIT);
		if (resolution.settings().refresh() == RefreshMode.ASYNC && reloadInTheBackground(resolution)) {
			resolution.endAs(Outcome.DEGRADED_HIT);
			return kept.value();
		}
		Object value;
		try {
			value = resolution.load();
		}
		catch (Throwable ex) {
			this.degraded.endReload(resolution.backendKey(), true, resolution.settings().leaseTtl());
			if (ex instanceof Error || ex instanceof InterruptedException
					|| ex instanceof StampedeInterruptedException) {
				throw ex;
			}
			reloadFailed(resolution, ex);
			resolution.endAs(Outcome.DEGRADED_HIT);
			return kept.value();
		}
		keepDegraded(resolution, value);
		this.degraded.endReload(resolution.backendKey(), false, Duration.ZERO);
		return value;
	}

	/**
	 * The backend failed an asynchronous caller that calls through: as
	 * {@link #callThroughDegraded} does, except that a stale value is reloaded in the
	 * background, so that every caller gets it at once.
	 */
	CompletableFuture<@Nullable Object> callThroughDegradedAsync(Resolution resolution) {
		Envelope kept = this.degraded.servable(resolution.site(), resolution.backendKey());
		if (kept != null) {
			if (!this.degraded.isFresh(kept) && this.degraded.startReload(resolution.backendKey())) {
				resolution.stats().record(CacheEvent.CALL_THROUGH);
				resolution.startLoad().whenComplete((value, failure) -> {
					if (failure == null) {
						keepDegraded(resolution, value);
					}
					else {
						reloadFailed(resolution, failure);
					}
					this.degraded.endReload(resolution.backendKey(), failure != null, resolution.settings().leaseTtl());
				});
			}
			resolution.endAs(Outcome.DEGRADED_HIT);
			return CompletableFuture.completedFuture(kept.value());
		}
		resolution.endAs(Outcome.CALL_THROUGH);
		resolution.stats().record(CacheEvent.CALL_THROUGH);
		Envelope fallback = this.degraded.fallback(resolution.site(), resolution.backendKey());
		return resolution.startLoad().handle((value, failure) -> {
			if (failure == null) {
				keepDegraded(resolution, value);
				return CompletableFuture.completedFuture(value);
			}
			Envelope throttled = throttledFallback(resolution, fallback, Flights.unwrap(failure));
			return (throttled != null) ? CompletableFuture.completedFuture(throttled.value())
					: CompletableFuture.<@Nullable Object>failedFuture(Flights.unwrap(failure));
		}).thenCompose(Function.identity());
	}

	/**
	 * A call-through load failed while the backend fails: with a fail-safe value kept in
	 * the degraded tier, the caller gets it, and it is kept fresh for
	 * {@code fail-safe-throttle} so that the database is not asked again before then.
	 * @return the fallback as kept, or {@code null} when there is none for this failure
	 */
	private @Nullable Envelope throttledFallback(Resolution resolution, @Nullable Envelope fallback,
			Throwable failure) {
		if (fallback == null || !FailSafe.covers(failure)) {
			return null;
		}
		Envelope throttled = FailSafe.throttled(fallback, resolution.settings(), this.clock.millis());
		if (throttled == null) {
			return null;
		}
		this.degraded.keep(resolution, throttled, resolution.failedAt());
		this.failures.servedFallback(resolution, failure);
		resolution.endAs(Outcome.FAIL_SAFE);
		return throttled;
	}

	// As an async refresh does, on the refresh pool; when its queue is full the caller reloads inline.
	private boolean reloadInTheBackground(Resolution resolution) {
		try {
			this.threads.refreshes().execute(() -> {
				boolean failed = true;
				try {
					keepDegraded(resolution, resolution.load());
					failed = false;
				}
				catch (Throwable ex) {
					reloadFailed(resolution, ex);
				}
				finally {
					this.degraded.endReload(resolution.backendKey(), failed, resolution.settings().leaseTtl());
				}
			});
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	private static void reloadFailed(Resolution resolution, Throwable failure) {
		resolution.stats().record(CacheEvent.REFRESH_ERROR);
		logger.warn("Reloading cache '{}' key '{}' while the backend fails failed; serving the value this JVM keeps "
				+ "until it expires: {}", resolution.cache(), resolution.keyString(), Flights.unwrap(failure).toString());
	}

	private void keepDegraded(Resolution resolution, @Nullable Object value) {
		if (resolution.shouldStore(value)) {
			this.degraded.keep(resolution, resolution.envelope(value, this.clock.millis()), resolution.failedAt());
		}
	}

	private void stopWaiting(Resolution resolution, Waiters.@Nullable Sleeper sleeper, Outcome outcome,
			@Nullable Throwable error) {
		if (sleeper != null) {
			this.waiters.unregister(resolution.backendKey(), sleeper);
			resolution.stopWaiting(outcome, error);
		}
	}

	private static @Nullable Object answer(Resolution resolution, LoadTimeouts.Answer answer) {
		resolution.endAs(answer.outcome());
		return answer.value();
	}

	/**
	 * Resolves an asynchronous caller's flight on the engine's threads; the flight
	 * completes with the answer. Any failure to schedule fails the flight, which never
	 * stays registered.
	 */
	void flyAsync(Resolution resolution) {
		AsyncFlight flight = new AsyncFlight(this, resolution, this.winner, this.failures, this.flights, this.waiters,
				this.threads.scheduler(), this.timeouts);
		try {
			this.threads.scheduler().execute(flight);
		}
		catch (Throwable ex) {
			resolution.stats().called(Outcome.ERROR);
			this.flights.fail(resolution.backendKey(), resolution.flight(), AsyncFlight.closedIfRefused(ex));
		}
	}

}
