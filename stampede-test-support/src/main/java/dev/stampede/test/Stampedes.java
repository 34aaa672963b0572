package dev.stampede.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * Runs many callers at the same instant, each on its own thread, released together
 * by a barrier, and collects what each one got. Every wait is bounded.
 */
public final class Stampedes {

	/** Longest time a whole stampede may take before the test fails instead of hanging. */
	public static final Duration BOUND = Duration.ofSeconds(60);

	private Stampedes() {
	}

	/**
	 * Runs {@code callers} on {@code threads} threads at once.
	 * @return what each caller returned or threw, in thread order
	 */
	public static List<CallResult> run(int threads, Callable<?> caller) {
		return run(threads, BOUND, caller);
	}

	/**
	 * Runs {@code callers} on {@code threads} threads at once, failing if they take
	 * longer than {@code bound} in all.
	 * @return what each caller returned or threw, in thread order
	 */
	public static List<CallResult> run(int threads, Duration bound, Callable<?> caller) {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CyclicBarrier barrier = new CyclicBarrier(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				futures.add(pool.submit(() -> {
					barrier.await(bound.toSeconds(), TimeUnit.SECONDS);
					return caller.call();
				}));
			}
			long deadline = System.nanoTime() + bound.toNanos();
			List<CallResult> outcomes = new ArrayList<>();
			for (Future<?> future : futures) {
				outcomes.add(outcome(future, deadline, bound));
			}
			return outcomes;
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static CallResult outcome(Future<?> future, long deadline, Duration bound) {
		try {
			return new CallResult(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), null);
		}
		catch (ExecutionException ex) {
			return new CallResult(null, ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new AssertionError("A caller did not return within " + bound.toSeconds() + " s", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/**
	 * What one caller got.
	 * @param value what it returned
	 * @param failure what it threw, if anything
	 */
	public record CallResult(@Nullable Object value, @Nullable Throwable failure) {
	}

}
