package dev.stampede.reactive

import dev.stampede.annotation.StampedeProtected
import org.springframework.stereotype.Service

/**
 * A suspending path of its own cache, called once before the tests, through the same
 * controller as the suspending function under test: the first call of a Kotlin handler
 * reads Kotlin metadata and initialises kotlinx.coroutines' classes on the event loop
 * (jar reads, contended reflection locks), which Spring and Kotlin do once per JVM and
 * handler class, not Stampede on every call.
 */
@Service
class WarmUpService {

	@StampedeProtected(cache = "warm-up", key = "#id")
	suspend fun find(id: Long): Product = Product.of(id)

}
