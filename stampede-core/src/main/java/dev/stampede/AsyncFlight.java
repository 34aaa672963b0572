package dev.stampede;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * Drives one asynchronous caller's flight: each run is one {@link LeaseLoop#attempt}
 * on a scheduler thread; between attempts it is scheduled after the next pause, or
 * at once when woken; a load completes it from the load's own completion. No thread
 * sleeps or blocks for it, so waiting for many keys costs no thread per key.
 */
final class AsyncFlight implements Runnable, Waiters.Waiter {

	private final LeaseLoop loop;

	private final Resolution resolution;

	private final Winner winner;

	private final Failures failures;

	private final Flights flights;

	private final Waiters waiters;

	private final ScheduledExecutorService scheduler;

	private final long start = System.nanoTime();

	private final long deadline;

	private final AtomicReference<@Nullable ScheduledFuture<?>> next = new AtomicReference<>();

	private final WaitSchedule schedule;

	private final AtomicBoolean attempting = new AtomicBoolean();

	private volatile boolean woken;

	private volatile boolean waiting;

	// Whether this flight is among the waiters: from its first wait until it stops waiting.
	private final AtomicBoolean registered = new AtomicBoolean();

	private volatile long waitStart;

	AsyncFlight(LeaseLoop loop, Resolution resolution, Winner winner, Failures failures, Flights flights,
			Waiters waiters, ScheduledExecutorService scheduler) {
		this.loop = loop;
		this.resolution = resolution;
		this.winner = winner;
		this.failures = failures;
		this.flights = flights;
		this.waiters = waiters;
		this.scheduler = scheduler;
		this.deadline = this.start + resolution.settings().maxWait().toNanos();
		this.schedule = LeaseLoop.schedule(resolution);
	}

	@Override
	public void run() {
		// A flight failed already (it could not be scheduled, or the engine closed) is not resolved late.
		if (this.resolution.flight().isDone()) {
			return;
		}
		// A wake-up may start a run while a pause's run has just begun: only one attempts at a time.
		if (!this.attempting.compareAndSet(false, true)) {
			this.woken = true;
			return;
		}
		this.woken = false;
		try {
			LeaseLoop.Step step = this.loop.attempt(this.resolution);
			if (step instanceof LeaseLoop.Done done) {
				this.resolution.endAs(this.waiting ? Outcome.WAITED : done.outcome());
				finish(done.value(), null);
			}
			else if (step instanceof LeaseLoop.Won won) {
				this.resolution.endAs(Outcome.LOADED);
				stopWaiting();
				this.resolution.startLoad().whenComplete((value, failure) -> stored(won.token(), value, failure));
			}
			else if (step instanceof LeaseLoop.Failed failed) {
				this.resolution.endAs(Outcome.CALL_THROUGH);
				this.failures.readFailed(this.resolution, failed.failure());
				stopWaiting();
				this.resolution.startLoad().whenComplete(this::finish);
			}
			else {
				// An asynchronous caller never refreshes inline: what is left is a wait.
				pause((LeaseLoop.Wait) step);
			}
		}
		catch (Throwable ex) {
			finish(null, ex);
		}
		finally {
			this.attempting.set(false);
		}
	}

	@Override
	public void wake() {
		this.woken = true;
		readNow(this.next.get());
	}

	// Runs the next attempt now instead of after its pause, unless it started already.
	private void readNow(@Nullable ScheduledFuture<?> pending) {
		if (pending != null && pending.cancel(false)) {
			try {
				this.scheduler.execute(this);
			}
			catch (RejectedExecutionException ex) {
				finish(null, ex);
			}
		}
	}

	private void pause(LeaseLoop.Wait wait) {
		long now = System.nanoTime();
		if (now - this.deadline >= 0) {
			this.resolution.endAs(Outcome.CALL_THROUGH);
			this.failures.waitTimedOut(this.resolution, Duration.ofNanos(now - this.start));
			stopWaiting();
			this.resolution.startLoad().whenComplete(this::finish);
			return;
		}
		this.loop.saw(this.schedule, wait, now);
		if (!this.waiting) {
			// As a blocking caller does: register, then read once more at once.
			this.resolution.stats().record(CacheEvent.LEASE_LOST);
			this.waitStart = now;
			this.waiting = true;
			this.registered.set(true);
			this.waiters.register(this.resolution.backendKey(), this);
			this.scheduler.execute(this);
			return;
		}
		long pause = Math.min(this.schedule.nextPause(now), this.deadline - now);
		ScheduledFuture<?> scheduled = this.scheduler.schedule(this, pause, TimeUnit.NANOSECONDS);
		this.next.set(scheduled);
		// A wake-up that came during this attempt, after its read, is not lost.
		if (this.woken) {
			readNow(scheduled);
		}
	}

	private void stored(String token, @Nullable Object value, @Nullable Throwable failure) {
		try {
			if (failure != null) {
				this.winner.abandon(this.resolution, token);
				finish(null, failure);
				return;
			}
			this.winner.store(this.resolution, token, value);
			finish(value, null);
		}
		catch (Throwable ex) {
			finish(null, ex);
		}
		finally {
			this.resolution.stats().leaseEnded(this.resolution.keyString());
		}
	}

	// Once, before the callers hear their answer or a load starts: no longer waiting for another caller.
	private void stopWaiting() {
		if (this.registered.compareAndSet(true, false)) {
			this.waiters.unregister(this.resolution.backendKey(), this);
			this.resolution.waited(System.nanoTime() - this.waitStart);
		}
	}

	private void finish(@Nullable Object value, @Nullable Throwable failure) {
		stopWaiting();
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
