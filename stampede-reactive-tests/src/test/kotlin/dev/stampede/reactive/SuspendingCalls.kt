package dev.stampede.reactive

import java.util.concurrent.CompletableFuture
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.future.future

/**
 * Calls suspending functions from Java tests: each call is a coroutine on Kotlin's
 * default dispatcher, as a future whose cancellation cancels the coroutine.
 */
class SuspendingCalls(private val products: SuspendingProducts) {

	// A supervisor: a call that fails does not cancel the others.
	private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

	fun find(id: Long): CompletableFuture<Product> = scope.future { products.find(id) }

	fun name(id: Long, locale: String): CompletableFuture<String> = scope.future { products.name(id, locale) }

}
