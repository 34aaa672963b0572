package dev.stampede.sample;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ProductController {

	private final ProductService service;

	private final ProductRepository repository;

	ProductController(ProductService service, ProductRepository repository) {
		this.service = service;
		this.repository = repository;
	}

	@GetMapping("/products/{id}")
	ResponseEntity<Product> product(@PathVariable long id) {
		return ResponseEntity.of(this.service.find(id));
	}

	// Spring MVC writes the response when the Mono completes, without holding the request's thread.
	@GetMapping("/products/{id}/mono")
	Mono<ResponseEntity<Product>> mono(@PathVariable long id) {
		return this.service.findReactive(id).map(ResponseEntity::ok).defaultIfEmpty(ResponseEntity.notFound().build());
	}

	@GetMapping("/products/{id}/cacheable")
	ResponseEntity<Product> cacheable(@PathVariable long id) {
		return ResponseEntity.of(this.service.findCacheable(id));
	}

	@GetMapping("/products/{id}/unprotected")
	ResponseEntity<Product> unprotected(@PathVariable long id) {
		return ResponseEntity.of(this.service.findUnprotected(id));
	}

	@PutMapping("/products/{id}")
	Product update(@PathVariable long id, @RequestBody Product product) {
		Product updated = new Product(id, product.name(), product.price());
		this.service.save(updated);
		return updated;
	}

	@GetMapping("/stats")
	Map<String, Long> stats() {
		return Map.of("queries", this.repository.queries());
	}

}
