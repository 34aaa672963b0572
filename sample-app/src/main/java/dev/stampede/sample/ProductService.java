package dev.stampede.sample;

import java.util.Optional;

import dev.stampede.annotation.StampedeEvict;
import dev.stampede.annotation.StampedeProtected;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * The service Stampede protects: however many requests miss a product at once, the
 * database runs one query, whether the lookup is annotated {@code @StampedeProtected}
 * ({@link #find}, and {@link #findReactive} returning a {@code Mono}) or, with
 * {@code stampede.spring-cache.enabled}, Spring's {@code @Cacheable}
 * ({@link #findCacheable}). {@link #findUnprotected} is the same lookup without
 * protection, to compare. {@code SuspendingProductService} is the lookup in Kotlin.
 */
@Service
public class ProductService {

	private final ProductRepository repository;

	public ProductService(ProductRepository repository) {
		this.repository = repository;
	}

	@StampedeProtected(cache = "products", key = "#id", ttl = "30s")
	public Optional<Product> find(long id) {
		return this.repository.slowQuery(id);
	}

	// Nothing runs until the response subscribes, and callers that wait for another's load
	// hold no thread while they wait. JDBC blocks, so the query runs on Reactor's threads
	// for blocking work. The same cache and key as find: the two share entries.
	@StampedeProtected(cache = "products", key = "#id", ttl = "30s")
	public Mono<Product> findReactive(long id) {
		return Mono.fromCallable(() -> this.repository.slowQuery(id).orElse(null))
			.subscribeOn(Schedulers.boundedElastic());
	}

	// Spring's own annotation; the cache is Stampede's, so it shares the products cache's
	// entries and its settings (stampede.caches.products.*) with find.
	@Cacheable(cacheNames = "products", key = "#id", sync = true)
	public Optional<Product> findCacheable(long id) {
		return this.repository.slowQuery(id);
	}

	public Optional<Product> findUnprotected(long id) {
		return this.repository.slowQuery(id);
	}

	@StampedeEvict(cache = "products", key = "#product.id")
	public void save(Product product) {
		this.repository.save(product);
	}

}
