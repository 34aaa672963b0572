package dev.stampede.compatibility;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.annotation.StampedeProtected;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.stereotype.Service;

/**
 * An application with one protected method, as a team on any Boot line writes it: the
 * starter, memcached, Actuator. Run as its own JVM by {@link StockApplicationTests}.
 */
@SpringBootApplication
public class StockApplication {

	static final String READY = "READY";

	static final String GO = "GO";

	/**
	 * Starts the application, says {@value #READY}, waits for {@value #GO} on standard
	 * input, then calls the protected method from many threads at once and prints what
	 * they got and how many loads this JVM made.
	 * @param args the memcached address, the key, the number of threads
	 */
	public static void main(String[] args) throws Exception {
		SpringApplication application = new SpringApplication(StockApplication.class);
		try (ConfigurableApplicationContext context = application.run("--server.port=0",
				"--stampede.backend=memcached", "--stampede.memcached.servers=" + args[0],
				"--spring.main.banner-mode=off", "--spring.main.web-application-type=none")) {
			Stock stock = context.getBean(Stock.class);
			String key = args[1];
			int threads = Integer.parseInt(args[2]);
			System.out.println(READY);
			BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			if (!GO.equals(in.readLine())) {
				throw new IllegalStateException("expected " + GO);
			}
			List<String> values = callAtOnce(stock, key, threads, () -> {
			});
			System.out.println("LOADS " + stock.loads() + " CALLERS " + values.size() + " VALUES " + new TreeSet<>(values));
		}
	}

	/**
	 * Calls the protected method from many threads released together.
	 * @param beforeRelease runs once every thread is waiting to be released
	 * @return what each caller got
	 */
	static List<String> callAtOnce(Stock stock, String key, int threads, Runnable beforeRelease) {
		CountDownLatch start = new CountDownLatch(1);
		List<CompletableFuture<String>> calls = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			calls.add(CompletableFuture.supplyAsync(() -> {
				await(start);
				return stock.level(key);
			}, (task) -> new Thread(task).start()));
		}
		beforeRelease.run();
		start.countDown();
		return calls.stream().map((call) -> call.orTimeout(60, TimeUnit.SECONDS).join()).toList();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The expensive service. */
	@Service
	public static class Stock {

		private final AtomicInteger loads = new AtomicInteger();

		/**
		 * How many times this JVM ran the method.
		 * @return the count
		 */
		public int loads() {
			return this.loads.get();
		}

		/**
		 * Reads a stock level from the slow store.
		 * @param sku the product
		 * @return its stock level, with the JVM that loaded it
		 */
		@StampedeProtected(cache = "stock", key = "#sku")
		public String level(String sku) {
			this.loads.incrementAndGet();
			try {
				Thread.sleep(300);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return sku + " loaded by " + ProcessHandle.current().pid();
		}

	}

}
