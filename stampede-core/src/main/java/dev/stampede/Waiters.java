package dev.stampede;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The callers of this JVM that wait for another caller's lease to end, one per key
 * (single flight sees to that), so that a backend's event can wake them before their
 * next poll. A wake-up only shortens a wait: events are best effort, and every wait
 * is bounded by its own pause.
 */
final class Waiters {

	private final Map<String, Waiter> waiting = new ConcurrentHashMap<>();

	void register(String backendKey, Waiter waiter) {
		this.waiting.put(backendKey, waiter);
	}

	void unregister(String backendKey, Waiter waiter) {
		this.waiting.remove(backendKey, waiter);
	}

	int size() {
		return this.waiting.size();
	}

	/** The lease of {@code backendKey} ended or the key was evicted: its waiter reads again now. */
	void wake(String backendKey) {
		Waiter waiter = this.waiting.get(backendKey);
		if (waiter != null) {
			waiter.wake();
		}
	}

	/** One waiting caller. */
	interface Waiter {

		void wake();

	}

	/**
	 * A thread that sleeps between reads until woken or its pause ends. Built on a lock
	 * and a condition rather than a monitor, so that a virtual thread waiting here does
	 * not pin its carrier.
	 */
	static final class Sleeper implements Waiter {

		private final ReentrantLock lock = new ReentrantLock();

		private final Condition woken = this.lock.newCondition();

		private boolean wakeUp;

		@Override
		public void wake() {
			this.lock.lock();
			try {
				this.wakeUp = true;
				this.woken.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * Sleeps up to {@code nanos}, or less if woken since the last sleep.
		 * @throws InterruptedException if the thread is interrupted
		 */
		void sleep(long nanos) throws InterruptedException {
			this.lock.lock();
			try {
				long left = nanos;
				while (!this.wakeUp && left > 0) {
					left = this.woken.awaitNanos(left);
				}
				this.wakeUp = false;
			}
			finally {
				this.lock.unlock();
			}
		}

	}

}
