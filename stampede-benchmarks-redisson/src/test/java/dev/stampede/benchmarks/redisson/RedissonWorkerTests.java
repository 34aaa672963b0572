package dev.stampede.benchmarks.redisson;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.stampede.benchmarks.worker.Database;
import dev.stampede.benchmarks.worker.Product;
import dev.stampede.test.RedisServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

class RedissonWorkerTests {

	private static final int CALLERS_PER_WORKER = 4;

	@Test
	void twoWorkersLoadAColdKeyOnceBetweenThemAndAgainOnceItsTtlIsOver() throws Exception {
		try (RedisServer redis = new RedisServer()) {
			redis.start();
			try (ConfigurableApplicationContext first = worker(redis);
					ConfigurableApplicationContext second = worker(redis)) {
				assertThat(readAtOnce(first, second)).allMatch((product) -> product.equals(Product.of("k")));
				assertThat(queries(first) + queries(second)).as("one load under Redisson's lock of the key").isOne();

				Thread.sleep(700);
				readAtOnce(first, second);
				assertThat(queries(first) + queries(second)).as("the entry expired after its 500 ms TTL").isEqualTo(2);
			}
		}
	}

	private static ConfigurableApplicationContext worker(RedisServer redis) {
		return new SpringApplicationBuilder(RedissonWorker.class).web(WebApplicationType.NONE)
			.run("--harness.redis.port=" + redis.port(), "--harness.ttl-millis=500", "--harness.query-time=100ms");
	}

	private static List<Product> readAtOnce(ConfigurableApplicationContext... workers) throws Exception {
		ExecutorService callers = Executors.newFixedThreadPool(CALLERS_PER_WORKER * workers.length);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Callable<Product>> calls = new ArrayList<>();
			for (ConfigurableApplicationContext worker : workers) {
				RedissonProducts products = worker.getBean(RedissonProducts.class);
				for (int i = 0; i < CALLERS_PER_WORKER; i++) {
					calls.add(() -> {
						start.await();
						return products.product("k");
					});
				}
			}
			List<Future<Product>> futures = calls.stream().map(callers::submit).toList();
			start.countDown();
			List<Product> products = new ArrayList<>();
			for (Future<Product> future : futures) {
				products.add(future.get());
			}
			return products;
		}
		finally {
			callers.shutdownNow();
		}
	}

	private static long queries(ConfigurableApplicationContext worker) {
		return worker.getBean(Database.class).queries();
	}

}
