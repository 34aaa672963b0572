package dev.stampede.reactive

import org.springframework.web.bind.annotation.GetMapping
import org.springframework.web.bind.annotation.PathVariable
import org.springframework.web.bind.annotation.RestController

@RestController
class SuspendingController(private val products: SuspendingProducts, private val warmUp: WarmUpService) {

	@GetMapping("/suspend/{id}")
	suspend fun find(@PathVariable id: Long): Product = products.find(id)

	@GetMapping("/warm-up/{id}")
	suspend fun warmUp(@PathVariable id: Long): Product = warmUp.find(id)

}
