package dev.stampede.sample

import org.springframework.http.ResponseEntity
import org.springframework.web.bind.annotation.GetMapping
import org.springframework.web.bind.annotation.PathVariable
import org.springframework.web.bind.annotation.RestController

@RestController
class SuspendingProductController(private val products: SuspendingProductService) {

	@GetMapping("/products/{id}/suspend")
	suspend fun product(@PathVariable id: Long): ResponseEntity<Product> =
		products.find(id)?.let { ResponseEntity.ok(it) } ?: ResponseEntity.notFound().build()

}
