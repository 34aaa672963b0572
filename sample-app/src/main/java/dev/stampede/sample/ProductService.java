package dev.stampede.sample;

import dev.stampede.annotation.StampedeEvict;
import dev.stampede.annotation.StampedeProtected;

import org.springframework.stereotype.Service;

/**
 * The service Stampede protects: however many requests miss a product at once, one
 * query runs.
 */
@Service
public class ProductService {

	private final ProductRepository repository;

	public ProductService(ProductRepository repository) {
		this.repository = repository;
	}

	@StampedeProtected(cache = "products", key = "#id", ttl = "30s")
	public Product find(long id) throws InterruptedException {
		return this.repository.slowQuery(id);
	}

	@StampedeEvict(cache = "products", key = "#product.id")
	public void save(Product product) {
		this.repository.save(product);
	}

}
