package dev.stampede;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class WaitersTest {

	private final Waiters waiters = new Waiters();

	@Test
	void aWakeUpBeforeTheSleepIsNotLost() throws Exception {
		Waiters.Sleeper sleeper = new Waiters.Sleeper();
		this.waiters.register("key", sleeper);
		this.waiters.wake("key");
		long start = System.nanoTime();
		sleeper.sleep(TimeUnit.SECONDS.toNanos(30));
		assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(30));
	}

	@Test
	void aSleepingWaiterIsWokenByItsKeysEvent() throws Exception {
		Waiters.Sleeper sleeper = new Waiters.Sleeper();
		this.waiters.register("key", sleeper);
		CountDownLatch sleeping = new CountDownLatch(1);
		FutureTask<Long> sleep = new FutureTask<>(() -> {
			long start = System.nanoTime();
			sleeping.countDown();
			sleeper.sleep(TimeUnit.SECONDS.toNanos(30));
			return System.nanoTime() - start;
		});
		new Thread(sleep).start();
		sleeping.await();
		this.waiters.wake("another key");
		Thread.sleep(100);
		assertThat(sleep.isDone()).isFalse();
		this.waiters.wake("key");
		assertThat(sleep.get(10, TimeUnit.SECONDS)).isLessThan(TimeUnit.SECONDS.toNanos(30));
	}

	@Test
	void aWaiterThatIsNotWokenSleepsItsWholePause() throws Exception {
		Waiters.Sleeper sleeper = new Waiters.Sleeper();
		long start = System.nanoTime();
		sleeper.sleep(TimeUnit.MILLISECONDS.toNanos(50));
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
	}

	@Test
	void anUnregisteredWaiterIsNotWoken() throws Exception {
		Waiters.Sleeper sleeper = new Waiters.Sleeper();
		this.waiters.register("key", sleeper);
		this.waiters.unregister("key", sleeper);
		this.waiters.wake("key");
		long start = System.nanoTime();
		sleeper.sleep(TimeUnit.MILLISECONDS.toNanos(50));
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
	}

	@Test
	void anInterruptedSleepThrows() {
		Waiters.Sleeper sleeper = new Waiters.Sleeper();
		Thread.currentThread().interrupt();
		assertThatExceptionOfType(InterruptedException.class)
			.isThrownBy(() -> sleeper.sleep(TimeUnit.SECONDS.toNanos(30)));
	}

}
