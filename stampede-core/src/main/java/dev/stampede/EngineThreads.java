package dev.stampede;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's own threads, all daemons and all bounded: a pool that runs
 * asynchronous refreshes, with a bounded queue beyond which a refresh is skipped
 * (the stale value is served on), and a small scheduler that drives asynchronous
 * callers' resolutions: their reads, their polls between reads and the writes after
 * their loads. No thread waits for a load or sleeps through a poll, so asynchronous
 * callers cost no thread per key.
 */
final class EngineThreads {

	private final ThreadPoolExecutor refreshes;

	private final ScheduledThreadPoolExecutor scheduler;

	EngineThreads(int refreshThreads, int refreshQueueCapacity, int schedulerThreads) {
		this(refreshThreads, refreshQueueCapacity, schedulerThreads, new DaemonThreads());
	}

	EngineThreads(int refreshThreads, int refreshQueueCapacity, int schedulerThreads, ThreadFactory threads) {
		this.refreshes = new ThreadPoolExecutor(refreshThreads, refreshThreads, 60, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(refreshQueueCapacity), named(threads, "stampede-refresh-"));
		this.scheduler = new ScheduledThreadPoolExecutor(schedulerThreads, named(threads, "stampede-async-"));
		this.scheduler.setRemoveOnCancelPolicy(true);
	}

	/** Runs asynchronous refreshes; rejects a refresh when its queue is full. */
	ExecutorService refreshes() {
		return this.refreshes;
	}

	/** Drives asynchronous resolutions. */
	ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	/**
	 * An executor that runs each task on {@code executor}, or on the calling thread when
	 * {@code executor} cannot take it (it was shut down, or could not start a thread): for
	 * work that must run whatever happens, such as writing a loaded value or releasing its
	 * lease.
	 */
	static Executor orCallingThread(Executor executor) {
		return (task) -> {
			try {
				executor.execute(task);
			}
			catch (RuntimeException | Error ex) {
				task.run();
			}
		};
	}

	/**
	 * Stops both: queued refreshes are not started, running work gets two seconds.
	 * @return the refreshes that were queued and will never run
	 */
	List<Runnable> shutDown() {
		List<Runnable> neverRun = new ArrayList<>();
		this.refreshes.getQueue().drainTo(neverRun);
		neverRun.addAll(shutDown(this.refreshes));
		shutDown(this.scheduler);
		return neverRun;
	}

	private static List<Runnable> shutDown(ExecutorService executor) {
		executor.shutdown();
		try {
			if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
				return executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return executor.shutdownNow();
		}
		return List.of();
	}

	private static ThreadFactory named(ThreadFactory threads, String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = threads.newThread(task);
			thread.setName(prefix + count.incrementAndGet());
			return thread;
		};
	}

	private static final class DaemonThreads implements ThreadFactory {

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task);
			thread.setDaemon(true);
			return thread;
		}

	}

}
