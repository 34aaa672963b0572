package dev.stampede.sample

import dev.stampede.annotation.StampedeProtected
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.springframework.stereotype.Service

/**
 * The product lookup as a Kotlin suspending function, protected as the Java one is:
 * callers that wait for another's load suspend, holding no thread. The JDBC query
 * blocks, so it runs on the IO dispatcher. The same cache and key as
 * [ProductService.find]: they share entries.
 */
@Service
class SuspendingProductService(private val repository: ProductRepository) {

	@StampedeProtected(cache = "products", key = "#id", ttl = "30s")
	suspend fun find(id: Long): Product? = withContext(Dispatchers.IO) { repository.slowQuery(id).orElse(null) }

}
