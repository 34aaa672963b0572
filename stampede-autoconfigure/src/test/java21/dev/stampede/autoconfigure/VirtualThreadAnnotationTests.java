package dev.stampede.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.stampede.CacheEvent;
import dev.stampede.Stampede;
import dev.stampede.annotation.StampedeProtected;
import dev.stampede.test.PinnedVirtualThreads;
import dev.stampede.test.Stampedes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.AsyncTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with {@code spring.threads.virtual.enabled=true} whose task executor
 * calls a {@code @StampedeProtected} method from 10,000 virtual threads at once on a
 * cold key: the method runs once, every caller gets its value, and no virtual thread is
 * pinned in Stampede's code.
 */
class VirtualThreadAnnotationTests {

	private static final int CALLERS = 10_000;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class, StampedeAutoConfiguration.class))
		.withPropertyValues("spring.threads.virtual.enabled=true", "stampede.backend=local")
		.withUserConfiguration(PricesConfiguration.class);

	@Test
	void tenThousandVirtualThreadsCallingAProtectedMethodOnAColdKeyRunItOnce(TestReporter reporter) {
		this.runner.run((context) -> {
			Prices prices = context.getBean(Prices.class);
			Stampede stampede = context.getBean(Stampede.class);
			AsyncTaskExecutor executor = context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
			// Classes are initialised before recording: a virtual thread that waits for another
			// to initialise a class is pinned, once, whoever's the class.
			stampede(prices, stampede, executor, 1);
			PinnedVirtualThreads.Recorded<List<Object>> recorded = PinnedVirtualThreads
				.during(() -> stampede(prices, stampede, executor, 2));
			assertThat(prices.calls(2)).isEqualTo(1);
			assertThat(prices.ranOnVirtualThreadsOnly()).isTrue();
			assertThat(recorded.result()).hasSize(CALLERS).containsOnly("price-2");
			assertThat(stampede.inspection().inFlightCount()).isZero();
			assertThat(stampede.inspection().waitingCount()).isZero();
			recorded.elsewhere().forEach((pin) -> reporter.publishEntry("pinned outside Stampede", pin.toString()));
			assertThat(recorded.inStampede()).as("virtual threads pinned in Stampede's code").isEmpty();
		});
	}

	// Every caller is released at once; the method answers once all the others have joined its call.
	private static List<Object> stampede(Prices prices, Stampede stampede, AsyncTaskExecutor executor, long id)
			throws Exception {
		long joinedBefore = joined(stampede);
		prices.answerWhen(() -> joined(stampede) - joinedBefore >= CALLERS - 1);
		CountDownLatch go = new CountDownLatch(1);
		List<Future<String>> callers = new ArrayList<>(CALLERS);
		for (int i = 0; i < CALLERS; i++) {
			callers.add(executor.submit(() -> {
				go.await();
				return prices.price(id);
			}));
		}
		go.countDown();
		long deadline = System.nanoTime() + Stampedes.BOUND.toNanos();
		List<Object> values = new ArrayList<>(CALLERS);
		for (Future<String> caller : callers) {
			values.add(caller.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
		}
		return values;
	}

	private static long joined(Stampede stampede) {
		return stampede.inspection().cacheNames().contains("prices")
				? stampede.inspection().stats("prices").count(CacheEvent.JOINED) : 0;
	}

	@Configuration(proxyBeanMethods = false)
	static class PricesConfiguration {

		@Bean
		Prices prices() {
			return new Prices();
		}

	}

	/** A protected method that counts its runs by key and notes the kind of thread each ran on. */
	public static class Prices {

		private final Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();

		private volatile boolean onPlatformThread;

		private volatile BooleanSupplier answer = () -> true;

		@StampedeProtected(cache = "prices", key = "#id")
		public String price(long id) throws InterruptedException {
			this.calls.computeIfAbsent(id, (key) -> new AtomicInteger()).incrementAndGet();
			if (!Thread.currentThread().isVirtual()) {
				this.onPlatformThread = true;
			}
			long deadline = System.nanoTime() + Stampedes.BOUND.toNanos();
			while (!this.answer.getAsBoolean() && System.nanoTime() - deadline < 0) {
				Thread.sleep(1);
			}
			return "price-" + id;
		}

		int calls(long id) {
			AtomicInteger count = this.calls.get(id);
			return (count != null) ? count.get() : 0;
		}

		boolean ranOnVirtualThreadsOnly() {
			return !this.onPlatformThread;
		}

		void answerWhen(BooleanSupplier answer) {
			this.answer = answer;
		}

	}

}
