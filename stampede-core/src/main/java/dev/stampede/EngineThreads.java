package dev.stampede;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's own threads, all daemons and all bounded: a pool that runs
 * asynchronous refreshes, with a bounded queue beyond which a refresh is skipped
 * (the stale value is served on); a small scheduler that drives asynchronous
 * callers' resolutions: their reads, their polls between reads, the writes after
 * their loads and their loads' timeouts; and a pool that runs the loads of blocking
 * callers whose cache has {@code soft-timeout} or {@code hard-timeout}, so that the
 * caller can stop waiting for them. No thread waits for an asynchronous load or sleeps
 * through a poll, so asynchronous callers cost no thread per key.
 * <p>
 * The loader pool has no queue: a load that finds every one of its threads busy is
 * refused at once, and runs on its caller's thread without timeouts, as it would
 * without them, rather than wait for a thread or grow the pool under a stampede of
 * distinct keys. Its threads are platform threads: a loader is application code, and a
 * virtual thread that blocks inside a {@code synchronized} block (as JDBC drivers do)
 * pins its carrier before Java 24, which a bounded set of carriers cannot afford.
 */
final class EngineThreads {

	/** Loads that may run at once off their callers' threads, per engine. */
	static final int LOAD_THREADS = 64;

	private final ThreadPoolExecutor refreshes;

	private final ScheduledThreadPoolExecutor scheduler;

	private final ThreadPoolExecutor loads;

	EngineThreads(int refreshThreads, int refreshQueueCapacity, int schedulerThreads) {
		this(refreshThreads, refreshQueueCapacity, schedulerThreads, new DaemonThreads());
	}

	EngineThreads(int refreshThreads, int refreshQueueCapacity, int schedulerThreads, ThreadFactory threads) {
		this(refreshThreads, refreshQueueCapacity, schedulerThreads, LOAD_THREADS, threads);
	}

	EngineThreads(int refreshThreads, int refreshQueueCapacity, int schedulerThreads, int loadThreads,
			ThreadFactory threads) {
		this.refreshes = new ThreadPoolExecutor(refreshThreads, refreshThreads, 60, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(refreshQueueCapacity), named(threads, "stampede-refresh-"));
		this.scheduler = new ScheduledThreadPoolExecutor(schedulerThreads, named(threads, "stampede-async-"));
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.loads = new ThreadPoolExecutor(0, loadThreads, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
				named(threads, "stampede-load-"));
	}

	/** Runs asynchronous refreshes; rejects a refresh when its queue is full. */
	ExecutorService refreshes() {
		return this.refreshes;
	}

	/** Drives asynchronous resolutions. */
	ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	/** Runs loads that their callers may stop waiting for; rejects a load when every thread is busy. */
	ExecutorService loads() {
		return this.loads;
	}

	/** Most loads {@link #loads()} runs at once. */
	int loadThreads() {
		return this.loads.getMaximumPoolSize();
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
	 * Stops them all: queued refreshes are not started, running work gets two seconds,
	 * then is interrupted.
	 * @return the refreshes that were queued and will never run
	 */
	List<Runnable> shutDown() {
		List<Runnable> neverRun = new ArrayList<>();
		this.refreshes.getQueue().drainTo(neverRun);
		this.refreshes.shutdown();
		this.scheduler.shutdown();
		this.loads.shutdown();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		neverRun.addAll(awaitTermination(this.refreshes, deadline));
		awaitTermination(this.scheduler, deadline);
		awaitTermination(this.loads, deadline);
		return neverRun;
	}

	private static List<Runnable> awaitTermination(ExecutorService executor, long deadline) {
		try {
			if (!executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
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
