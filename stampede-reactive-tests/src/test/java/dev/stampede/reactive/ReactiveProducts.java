package dev.stampede.reactive;

import dev.stampede.annotation.StampedeProtected;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Service;

/**
 * Products loaded without blocking: a load waits on a timer (or a test's gate) before
 * it emits, so it completes on one of Reactor's non-blocking threads.
 */
@Service
public class ReactiveProducts {

	private final Loads loads;

	public ReactiveProducts(Loads loads) {
		this.loads = loads;
	}

	@StampedeProtected(cache = "products", key = "#id")
	public Mono<Product> find(long id) {
		return Mono.defer(() -> this.loads.begin("mono")).then(Mono.fromSupplier(() -> Product.of(id)));
	}

	@StampedeProtected(cache = "related-products", key = "#id")
	public Flux<Product> related(long id) {
		return Mono.defer(() -> this.loads.begin("flux"))
			.thenMany(Flux.range(1, 3).map((i) -> Product.of(id * 10 + i)));
	}

}
