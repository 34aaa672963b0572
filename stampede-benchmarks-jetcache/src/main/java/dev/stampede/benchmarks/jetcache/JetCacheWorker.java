package dev.stampede.benchmarks.jetcache;

import java.time.Duration;

import com.alicp.jetcache.anno.config.EnableMethodCache;
import dev.stampede.benchmarks.worker.Database;
import dev.stampede.benchmarks.worker.Worker;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * One JVM of the harness's JetCache variant. The harness passes {@code harness.*}
 * and {@code jetcache.*} as system properties.
 */
@SpringBootApplication
@EnableMethodCache(basePackages = "dev.stampede.benchmarks.jetcache")
public class JetCacheWorker {

	@Bean
	Database database(@Value("${harness.query-time}") Duration queryTime) {
		return new Database(queryTime);
	}

	@Bean
	JetCacheProducts jetCacheProducts(Database database) {
		return new JetCacheProducts(database);
	}

	public static void main(String[] args) throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(JetCacheWorker.class)
			.web(WebApplicationType.NONE)
			.run(args)) {
			JetCacheProducts products = context.getBean(JetCacheProducts.class);
			int threads = context.getEnvironment().getRequiredProperty("harness.threads", Integer.class);
			new Worker((key) -> key.startsWith("hit-") ? products.longLived(key) : products.product(key),
					context.getBean(Database.class), threads)
				.serve(System.in, System.out);
		}
		System.exit(0);
	}

}
