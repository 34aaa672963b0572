package dev.stampede;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * {@code soft-timeout} and {@code hard-timeout}: how long the callers of a load under a
 * lease (a miss, or an inline refresh) wait for it. Past {@code soft-timeout}, when the
 * load has a fallback (the stale value it refreshes, or a fail-safe value), they get the
 * fallback; past {@code hard-timeout} they get the fallback, or a
 * {@link StampedeTimeoutException} when there is none. Either way the load goes on,
 * holding its lease, and its completion stores its value or gives the lease back.
 * <p>
 * A blocking caller's load runs on its own thread when no timeout applies to it, and
 * otherwise on one of the engine's loader threads while the caller waits for it; an
 * asynchronous load needs no thread, its timeouts are scheduled on the engine's
 * scheduler. A flight answered with its fallback stays registered until its load ends,
 * for at most its lease-ttl, so that the callers that come meanwhile get the fallback at
 * once rather than wait for the lease.
 */
final class LoadTimeouts {

	private final EngineThreads threads;

	private final Flights flights;

	private final Failures failures;

	LoadTimeouts(EngineThreads threads, Flights flights, Failures failures) {
		this.threads = threads;
		this.flights = flights;
		this.failures = failures;
	}

	/**
	 * What the callers of a load get.
	 * @param value the value they return
	 * @param outcome how they end
	 */
	record Answer(@Nullable Object value, Outcome outcome) {
	}

	/**
	 * What the holder of a lease does once its load ended, on the thread it ended on:
	 * store the value or give the lease back, and answer.
	 */
	@FunctionalInterface
	interface Completion {

		/**
		 * @param value what the load returned, if it did not fail
		 * @param failure what the load threw, if it did
		 * @return what the callers get
		 * @throws Throwable what the callers get instead of a value
		 */
		Answer complete(@Nullable Object value, @Nullable Throwable failure) throws Throwable;

	}

	/**
	 * Loads for a blocking caller, waiting for the load at most as long as the
	 * resolution's timeouts say.
	 * @param fallback what the callers get past a timeout, if anything
	 * @throws StampedeTimeoutException when {@code hard-timeout} passed and there is no fallback
	 * @throws StampedeInterruptedException when this thread is interrupted while it waits: the
	 * load goes on
	 */
	Answer load(Resolution resolution, @Nullable Envelope fallback, Completion completion) throws Throwable {
		Duration soft = softTimeout(resolution, fallback);
		Duration hard = resolution.settings().hardTimeout();
		if (soft.isZero() && hard.isZero()) {
			return loadHere(resolution, completion);
		}
		long start = System.nanoTime();
		CompletableFuture<Answer> loaded = new CompletableFuture<>();
		resolution.loadsOnAnotherThread();
		try {
			this.threads.loads().execute(() -> {
				try {
					loaded.complete(loadHere(resolution, (value, failure) -> {
						// Callers that come from now on read what the load leaves, not the fallback they were given.
						this.flights.forget(resolution.backendKey(), resolution.flight());
						return completion.complete(value, failure);
					}));
				}
				catch (Throwable ex) {
					loaded.completeExceptionally(ex);
				}
				finally {
					// An early answer given while the load was being stored.
					this.flights.forget(resolution.backendKey(), resolution.flight());
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.failures.loadersBusy(resolution, this.threads.loadThreads());
			resolution.loadsOnThisThread();
			return loadHere(resolution, completion);
		}
		return await(resolution, fallback, loaded, start, soft, hard);
	}

	/** Runs a blocking load on this thread and completes it. */
	static Answer loadHere(Resolution resolution, Completion completion) throws Throwable {
		Object value;
		try {
			value = resolution.load();
		}
		catch (Throwable ex) {
			return completion.complete(null, ex);
		}
		return completion.complete(value, null);
	}

	/**
	 * Schedules the timeouts of an asynchronous load that has just started.
	 * @param timedOut told {@link Outcome#SOFT_TIMEOUT} when {@code soft-timeout} passes, and
	 * {@link Outcome#FAIL_SAFE} when {@code hard-timeout} does
	 * @return what cancels them, once the load ended
	 */
	Runnable schedule(Resolution resolution, @Nullable Envelope fallback, Consumer<Outcome> timedOut) {
		Duration soft = softTimeout(resolution, fallback);
		Duration hard = resolution.settings().hardTimeout();
		List<ScheduledFuture<?>> timers = new ArrayList<>(2);
		try {
			if (!soft.isZero()) {
				timers.add(this.threads.scheduler()
					.schedule(() -> timedOut.accept(Outcome.SOFT_TIMEOUT), soft.toNanos(), TimeUnit.NANOSECONDS));
			}
			if (!hard.isZero()) {
				timers.add(this.threads.scheduler()
					.schedule(() -> timedOut.accept(Outcome.FAIL_SAFE), hard.toNanos(), TimeUnit.NANOSECONDS));
			}
		}
		catch (RejectedExecutionException ex) {
			// The engine is closing: its flights fail, and the load's completion still ends its lease.
		}
		return () -> timers.forEach((timer) -> timer.cancel(false));
	}

	/**
	 * Answers the callers of a load that ran past a timeout with its fallback, those
	 * that join its flight until the load ends included.
	 * @param start when the load started, on {@link System#nanoTime()}
	 */
	Answer answerEarly(Resolution resolution, Envelope fallback, Outcome outcome, long start) {
		resolution.stats().record(CacheEvent.LOAD_TIMEOUT);
		// Past its lease the load can no longer store, and another caller may load.
		this.flights.answer(resolution.flight(), fallback.value(), outcome,
				start + resolution.settings().leaseTtl().toNanos());
		return new Answer(fallback.value(), outcome);
	}

	/** The failure of a load that ran past {@code hard-timeout} without a fallback. */
	static StampedeTimeoutException timedOut(Resolution resolution, long start) {
		resolution.stats().record(CacheEvent.LOAD_TIMEOUT);
		return StampedeTimeoutException.ofLoad(resolution.cache(), resolution.keyString(),
				Duration.ofNanos(System.nanoTime() - start));
	}

	private Answer await(Resolution resolution, @Nullable Envelope fallback, CompletableFuture<Answer> loaded,
			long start, Duration soft, Duration hard) throws Throwable {
		try {
			if (fallback != null && !soft.isZero()) {
				Answer answer = within(loaded, start, soft);
				if (answer != null) {
					return answer;
				}
				leave(resolution, loaded);
				return answerEarly(resolution, fallback, Outcome.SOFT_TIMEOUT, start);
			}
			Answer answer = within(loaded, start, hard);
			if (answer != null) {
				return answer;
			}
			leave(resolution, loaded);
			if (fallback != null) {
				return answerEarly(resolution, fallback, Outcome.FAIL_SAFE, start);
			}
			throw timedOut(resolution, start);
		}
		catch (InterruptedException ex) {
			leave(resolution, loaded);
			Thread.currentThread().interrupt();
			throw new StampedeInterruptedException("Interrupted while waiting for the load of cache '"
					+ resolution.cache() + "' key '" + resolution.keyString() + "'; the load goes on", ex);
		}
		catch (ExecutionException ex) {
			throw ex.getCause();
		}
	}

	// No caller hears how a load it stopped waiting for ends: a failure is logged instead.
	private void leave(Resolution resolution, CompletableFuture<Answer> loaded) {
		loaded.whenComplete((answer, failure) -> {
			if (failure != null) {
				this.failures.backgroundLoadFailed(resolution, failure);
			}
		});
	}

	private static @Nullable Answer within(CompletableFuture<Answer> loaded, long start, Duration timeout)
			throws InterruptedException, ExecutionException {
		try {
			return loaded.get(Math.max(0, timeout.toNanos() - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			return null;
		}
	}

	// soft-timeout only applies to a load that has something to serve instead.
	private static Duration softTimeout(Resolution resolution, @Nullable Envelope fallback) {
		return (fallback != null) ? resolution.settings().softTimeout() : Duration.ZERO;
	}

}
