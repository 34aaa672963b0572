package dev.stampede.reactive

import dev.stampede.annotation.StampedeProtected
import kotlinx.coroutines.reactor.awaitSingleOrNull
import org.springframework.stereotype.Service

/**
 * Products loaded by a suspending function: a load suspends on a timer (or a test's
 * gate) and never blocks its thread.
 */
@Service
class SuspendingProducts(private val loads: Loads) {

	@StampedeProtected(cache = "suspending-products", key = "#id")
	suspend fun find(id: Long): Product {
		loads.begin("suspend").awaitSingleOrNull()
		return Product.of(id)
	}

	// No key expression: every argument but the caller's continuation.
	@StampedeProtected(cache = "suspending-names")
	suspend fun name(id: Long, locale: String): String {
		loads.begin("suspend-name").awaitSingleOrNull()
		return "Product $id ($locale)"
	}

}
