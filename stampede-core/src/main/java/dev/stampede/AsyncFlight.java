package dev.stampede;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * Drives one asynchronous caller's flight: each run is one {@link LeaseLoop#attempt}
 * on a scheduler thread; between attempts it is scheduled after the next pause, or
 * at once when woken; a load completes it from the load's own completion. No thread
 * sleeps or blocks for it, so waiting for many keys costs no thread per key.
 * <p>
 * Runs never overlap and are never lost: a run that starts while another attempts (a
 * wake-up's, or a pause's whose scheduling thread was held up for longer than the pause)
 * only counts itself, and the run under way attempts once more before it returns. Each
 * pause replaces the one before, so one chain of runs drives the flight.
 * <p>
 * A load's timeouts are scheduled beside it: whichever comes first, the load's end or a
 * timeout, answers the callers; a load that ends after its callers were answered still
 * stores its value or gives its lease back.
 */
final class AsyncFlight implements Runnable, Waiters.Waiter {

	private final LeaseLoop loop;

	private final Resolution resolution;

	private final Winner winner;

	private final Failures failures;

	private final Flights flights;

	private final Waiters waiters;

	private final ScheduledExecutorService scheduler;

	private final LoadTimeouts timeouts;

	private final long start = System.nanoTime();

	private final long deadline;

	private final AtomicReference<@Nullable ScheduledFuture<?>> next = new AtomicReference<>();

	private final WaitSchedule schedule;

	// Runs asked for and not yet served: only the run that takes it from 0 attempts.
	private final AtomicInteger runs = new AtomicInteger();

	// The wait is over: a load started, or the flight has its answer. No run attempts again.
	private volatile boolean settled;

	private volatile boolean waiting;

	// Whether this flight is among the waiters: from its first wait until it stops waiting.
	private final AtomicBoolean registered = new AtomicBoolean();

	// Whether the callers have their answer from the load under the lease: its end, or a timeout, gives it.
	private final AtomicBoolean answered = new AtomicBoolean();

	AsyncFlight(LeaseLoop loop, Resolution resolution, Winner winner, Failures failures, Flights flights,
			Waiters waiters, ScheduledExecutorService scheduler, LoadTimeouts timeouts) {
		this.loop = loop;
		this.resolution = resolution;
		this.winner = winner;
		this.failures = failures;
		this.flights = flights;
		this.waiters = waiters;
		this.scheduler = scheduler;
		this.timeouts = timeouts;
		this.deadline = this.start + resolution.settings().maxWait().toNanos();
		this.schedule = LeaseLoop.schedule(resolution);
	}

	@Override
	public void run() {
		if (this.runs.getAndIncrement() != 0) {
			return;
		}
		do {
			// A flight failed already (it could not be scheduled, or the engine closed) is not resolved late.
			if (!this.settled && !this.resolution.flight().isDone()) {
				attempt();
			}
		}
		while (this.runs.decrementAndGet() != 0);
	}

	private void attempt() {
		try {
			LeaseLoop.Step step = this.loop.attempt(this.resolution);
			if (step instanceof LeaseLoop.Done done) {
				this.settled = true;
				this.resolution.endAs(this.waiting ? Outcome.WAITED : done.outcome());
				finish(done.value(), null);
			}
			else if (step instanceof LeaseLoop.Won won) {
				this.settled = true;
				this.resolution.endAs(Outcome.LOADED);
				stopWaiting(null);
				load(won);
			}
			else if (step instanceof LeaseLoop.Failed failed) {
				this.settled = true;
				this.failures.readFailed(this.resolution, failed.failure());
				stopWaiting(null);
				this.loop.callThroughDegradedAsync(this.resolution).whenComplete(this::finish);
			}
			else {
				// An asynchronous caller never refreshes inline: what is left is a wait.
				pause((LeaseLoop.Wait) step);
			}
		}
		catch (Throwable ex) {
			this.settled = true;
			finish(null, closedIfRefused(ex));
		}
	}

	// Runs the next attempt now instead of after its pause; a run under way attempts once more.
	@Override
	public void wake() {
		if (this.settled) {
			return;
		}
		ScheduledFuture<?> pending = this.next.get();
		if (pending != null) {
			pending.cancel(false);
		}
		try {
			this.scheduler.execute(this);
		}
		catch (RejectedExecutionException ex) {
			this.settled = true;
			finish(null, closedIfRefused(ex));
		}
	}

	// Only a scheduler that shut down refuses a run: the caller hears what close tells every flight under way.
	static Throwable closedIfRefused(Throwable failure) {
		return (failure instanceof RejectedExecutionException) ? new StampedeException(Stampede.CLOSED, failure)
				: failure;
	}

	private void pause(LeaseLoop.Wait wait) {
		long now = System.nanoTime();
		if (now - this.deadline >= 0) {
			this.settled = true;
			this.resolution.endAs(Outcome.CALL_THROUGH);
			this.failures.waitTimedOut(this.resolution, Duration.ofNanos(now - this.start));
			stopWaiting(null);
			this.resolution.startLoad().whenComplete(this::finish);
			return;
		}
		this.loop.saw(this.resolution, this.schedule, wait, now);
		if (!this.waiting) {
			// As a blocking caller does: register, then read once more at once.
			this.resolution.stats().record(CacheEvent.LEASE_LOST);
			this.resolution.startWaiting();
			this.waiting = true;
			this.registered.set(true);
			this.waiters.register(this.resolution.backendKey(), this);
			this.runs.incrementAndGet();
			return;
		}
		long pause = Math.min(this.schedule.nextPause(now), this.deadline - now);
		ScheduledFuture<?> previous = this.next.getAndSet(
				this.scheduler.schedule(this, pause, TimeUnit.NANOSECONDS));
		// A pause a wake-up asked to cut short, whose run has not begun: this one replaces it.
		if (previous != null) {
			previous.cancel(false);
		}
	}

	private void load(LeaseLoop.Won won) {
		long loadStart = System.nanoTime();
		CompletableFuture<@Nullable Object> load = this.resolution.startLoad();
		Runnable cancelTimeouts = load.isDone() ? () -> {
		} : this.timeouts.schedule(this.resolution, won.fallback(), (outcome) -> timedOut(won, outcome, loadStart));
		// The load may complete on a thread that must not block, such as an event loop:
		// the write, a round trip to the backend, runs on the scheduler.
		load.whenCompleteAsync((value, failure) -> {
			cancelTimeouts.run();
			stored(won, value, (failure != null) ? Flights.unwrap(failure) : null);
		}, EngineThreads.orCallingThread(this.scheduler));
	}

	private void timedOut(LeaseLoop.Won won, Outcome outcome, long loadStart) {
		if (!this.answered.compareAndSet(false, true)) {
			return;
		}
		Envelope fallback = won.fallback();
		if (fallback == null) {
			finish(null, LoadTimeouts.timedOut(this.resolution, loadStart));
			return;
		}
		this.resolution.stats().called(outcome);
		this.timeouts.answerEarly(this.resolution, fallback, outcome, loadStart);
	}

	private void stored(LeaseLoop.Won won, @Nullable Object value, @Nullable Throwable failure) {
		// Whichever comes first answers the callers: the load's end, or a timeout.
		boolean answering = this.answered.compareAndSet(false, true);
		if (!answering) {
			// Callers that come from now on read what the load leaves, not the fallback they were given.
			this.flights.forget(this.resolution.backendKey(), this.resolution.flight());
		}
		LoadTimeouts.Answer answer;
		try {
			answer = this.winner.complete(this.resolution, won.token(), won.fallback(), value, failure);
		}
		catch (Throwable ex) {
			if (answering) {
				finish(null, ex);
			}
			else {
				this.failures.backgroundLoadFailed(this.resolution, ex);
			}
			return;
		}
		if (answering) {
			this.resolution.endAs(answer.outcome());
			finish(answer.value(), null);
		}
	}

	// Once, before the callers hear their answer or a load starts: no longer waiting for another caller.
	private void stopWaiting(@Nullable Throwable failure) {
		if (this.registered.compareAndSet(true, false)) {
			this.waiters.unregister(this.resolution.backendKey(), this);
			this.resolution.stopWaiting((failure != null) ? Outcome.ERROR : this.resolution.outcome(), failure);
		}
	}

	private void finish(@Nullable Object value, @Nullable Throwable failure) {
		stopWaiting(failure);
		if (failure != null) {
			this.resolution.stats().called(Outcome.ERROR);
			this.flights.fail(this.resolution.backendKey(), this.resolution.flight(), failure);
		}
		else {
			this.resolution.stats().called(this.resolution.outcome());
			this.flights.land(this.resolution.backendKey(), this.resolution.flight(), value,
					this.resolution.outcome());
		}
	}

}
