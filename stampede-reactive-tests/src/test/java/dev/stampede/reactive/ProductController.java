package dev.stampede.reactive;

import dev.stampede.Stampede;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ProductController {

	private final ReactiveProducts products;

	private final Stampede stampede;

	ProductController(ReactiveProducts products, Stampede stampede) {
		this.products = products;
		this.stampede = stampede;
	}

	@GetMapping("/mono/{id}")
	Mono<Product> mono(@PathVariable long id) {
		return this.products.find(id);
	}

	@GetMapping("/flux/{id}")
	Flux<Product> flux(@PathVariable long id) {
		return this.products.related(id);
	}

	// What not to do: a blocking call on the event loop, which the blocking check must see.
	@GetMapping("/blocking/{id}")
	Product blocking(@PathVariable long id) {
		return this.stampede.get("blocking", id, () -> Product.of(id));
	}

}
