package dev.stampede.benchmarks.hitpath;

import java.util.concurrent.TimeUnit;

import dev.stampede.benchmarks.harness.CacheableProducts;
import dev.stampede.benchmarks.harness.StampedeProducts;
import dev.stampede.benchmarks.worker.Product;
import dev.stampede.test.MemcachedServer;
import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerProcess;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A cache hit, read four ways from the same store: the store's own client
 * ({@code raw}), a {@code @Cacheable} method on the store's Spring cache
 * ({@code cacheable}), a {@code @StampedeProtected} method ({@code stampede}), and a
 * {@code @Cacheable} method on Stampede's cache manager ({@code cacheableOnStampede}).
 * Each store runs in its own fork, with its own server on a free loopback port.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 8, time = 1)
public class HitPathBenchmark {

	private static final String ID = "p1";

	@Param({ "local", "memcached", "redis" })
	public String store;

	private @Nullable ServerProcess server;

	private ConfigurableApplicationContext context;

	private RawStore raw;

	private StampedeProducts stampedeProducts;

	private CacheableProducts cacheableProducts;

	private StampedeCacheableProducts cacheableOnStampedeProducts;

	@Setup
	public void setUp() throws Exception {
		SpringApplicationBuilder application = new SpringApplicationBuilder(HitPathApplication.class)
			.web(WebApplicationType.NONE)
			.properties("bench.store=" + this.store, "stampede.backend=" + this.store,
					"stampede.codec.allowed-packages=dev.stampede.benchmarks.worker",
					"spring.main.banner-mode=off");
		switch (this.store) {
			case "memcached" -> {
				this.server = new MemcachedServer();
				this.server.start();
				application.properties("stampede.memcached.servers=" + this.server.address());
			}
			case "redis" -> {
				this.server = new RedisServer();
				this.server.start();
				application.properties("spring.data.redis.host=" + ServerProcess.HOST,
						"spring.data.redis.port=" + this.server.port(), "spring.data.redis.timeout=500ms");
			}
			default -> {
			}
		}
		this.context = application.run();
		this.raw = RawStore.of(this.store, this.server);
		this.stampedeProducts = this.context.getBean(StampedeProducts.class);
		this.cacheableProducts = this.context.getBean(CacheableProducts.class);
		this.cacheableOnStampedeProducts = this.context.getBean(StampedeCacheableProducts.class);
		this.stampedeProducts.product(ID);
		this.cacheableProducts.product(ID);
		this.cacheableOnStampedeProducts.product(ID);
	}

	@TearDown
	public void tearDown() throws Exception {
		this.raw.close();
		this.context.close();
		if (this.server != null) {
			this.server.close();
		}
	}

	@Benchmark
	public Product raw() {
		return this.raw.get();
	}

	@Benchmark
	public Product cacheable() {
		return this.cacheableProducts.product(ID);
	}

	@Benchmark
	public Product stampede() {
		return this.stampedeProducts.product(ID);
	}

	@Benchmark
	public Product cacheableOnStampede() {
		return this.cacheableOnStampedeProducts.product(ID);
	}

}
