package dev.stampede.reactive;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A WebFlux catalogue whose services return {@code Mono}, {@code Flux} and, in
 * Kotlin, suspend.
 */
@SpringBootApplication
public class ReactiveCatalogApplication {

	@Bean
	Loads loads() {
		return new Loads();
	}

}
