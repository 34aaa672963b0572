package dev.stampede.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Fires many concurrent requests at one cold product through the real HTTP stack, by
 * one of three paths, and reports how many queries the database ran for them:
 * {@code stampede} ({@code @StampedeProtected}), {@code cacheable}
 * ({@code @Cacheable(sync = true)} on Stampede's cache manager) or {@code unprotected}.
 */
@RestController
class DemoController {

	private static final int MAX_CALLERS = 500;

	private final ProductRepository repository;

	// Each demo reads a product no earlier demo read, so that it starts cold.
	private final AtomicLong coldProducts = new AtomicLong(10_000);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	DemoController(ProductRepository repository) {
		this.repository = repository;
	}

	// protected=false is the unprotected variant, as it was before there were three.
	@PostMapping("/demo/stampede")
	DemoResult stampede(@RequestParam(defaultValue = "200") int callers,
			@RequestParam(name = "protected", defaultValue = "true") boolean protect,
			@RequestParam(required = false) String variant, HttpServletRequest request) throws Exception {
		if (callers < 1 || callers > MAX_CALLERS) {
			throw new IllegalArgumentException("callers must be between 1 and " + MAX_CALLERS + ", was " + callers);
		}
		String chosen = (variant != null) ? variant : protect ? "stampede" : "unprotected";
		String path = switch (chosen) {
			case "stampede" -> "";
			case "cacheable" -> "/cacheable";
			case "unprotected" -> "/unprotected";
			default -> throw new IllegalArgumentException(
					"variant must be stampede, cacheable or unprotected, was " + variant);
		};
		long id = this.coldProducts.getAndDecrement();
		URI uri = URI.create("http://127.0.0.1:" + request.getLocalPort() + "/products/" + id + path);
		long queriesBefore = this.repository.queries();
		List<CompletableFuture<Long>> calls = new ArrayList<>();
		for (int i = 0; i < callers; i++) {
			long start = System.nanoTime();
			calls.add(this.http.sendAsync(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding())
				.thenApply((response) -> System.nanoTime() - start));
		}
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
		double[] millis = calls.stream().mapToDouble((call) -> call.join() / 1_000_000.0).sorted().toArray();
		return new DemoResult(callers, !"unprotected".equals(chosen), chosen, id,
				this.repository.queries() - queriesBefore, percentile(millis, 50), percentile(millis, 99));
	}

	private static double percentile(double[] sorted, int percentile) {
		int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
		return Math.round(sorted[Math.max(0, index)] * 10) / 10.0;
	}

	/**
	 * What one demo did.
	 * @param callers concurrent requests fired
	 * @param protect whether they went through a protected method
	 * @param variant the path they took: stampede, cacheable or unprotected
	 * @param product the cold product they read
	 * @param queries queries the database ran for them, by its own statistics
	 * @param p50Millis median request latency
	 * @param p99Millis 99th percentile request latency
	 */
	record DemoResult(int callers, boolean protect, String variant, long product, long queries, double p50Millis,
			double p99Millis) {
	}

}
