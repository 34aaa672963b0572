package dev.stampede.interceptor;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.stampede.CallSite;
import dev.stampede.Stampede;
import dev.stampede.annotation.StampedeProtected;
import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The type each protected method declares it returns reaches its call site, type
 * arguments and all, for the codec to read stored values as.
 */
class StampedeInterceptorDeclaredTypeTests {

	@Test
	void theGenericReturnTypeUnwrappedFromOptionalAndFutureIsTheDeclaredType() {
		try (Stampede stampede = new Stampede(new LocalBackend(100))) {
			new StampedeInterceptor(() -> stampede, null, null).prepare(Service.class);
			assertThat(declared(stampede, "list")).isEqualTo(new ParameterizedTypeReference<List<String>>() {
			}.getType());
			assertThat(declared(stampede, "optional"))
				.isEqualTo(new ParameterizedTypeReference<Map<String, Integer>>() {
				}.getType());
			assertThat(declared(stampede, "future")).isEqualTo(new ParameterizedTypeReference<List<Long>>() {
			}.getType());
			assertThat(declared(stampede, "primitive")).isEqualTo(Integer.class);
			assertThat(site(stampede, "primitive").valueType()).isEqualTo(Integer.class);
		}
	}

	@Test
	void aMonoDeclaresItsContentAndAFluxTheListOfItsElements() {
		try (Stampede stampede = new Stampede(new LocalBackend(100))) {
			new StampedeInterceptor(() -> stampede, null, null).prepare(ReactiveService.class);
			assertThat(declared(stampede, "mono")).isEqualTo(new ParameterizedTypeReference<Map<String, Long>>() {
			}.getType());
			assertThat(declared(stampede, "flux")).isEqualTo(new ParameterizedTypeReference<List<Long>>() {
			}.getType());
			assertThat(site(stampede, "flux").valueType()).isEqualTo(List.class);
		}
	}

	@Test
	void aTypeVariableIsBoundByTheTargetClass() {
		try (Stampede stampede = new Stampede(new LocalBackend(100))) {
			new StampedeInterceptor(() -> stampede, null, null).prepare(StringRepository.class);
			assertThat(declared(stampede, "generic")).isEqualTo(new ParameterizedTypeReference<List<String>>() {
			}.getType());
			assertThat(site(stampede, "generic").valueType()).isEqualTo(List.class);
		}
	}

	private static java.lang.reflect.Type declared(Stampede stampede, String cache) {
		return site(stampede, cache).declaredType();
	}

	private static CallSite site(Stampede stampede, String cache) {
		List<CallSite> sites = stampede.inspection().callSites(cache);
		assertThat(sites).hasSize(1);
		return sites.get(0);
	}

	static class Service {

		@StampedeProtected(cache = "list")
		public List<String> list(long id) {
			return List.of();
		}

		@StampedeProtected(cache = "optional")
		public Optional<Map<String, Integer>> optional(long id) {
			return Optional.empty();
		}

		@StampedeProtected(cache = "future")
		public CompletableFuture<List<Long>> future(long id) {
			return CompletableFuture.completedFuture(List.of());
		}

		@StampedeProtected(cache = "primitive")
		public int primitive(long id) {
			return 1;
		}

	}

	static class ReactiveService {

		@StampedeProtected(cache = "mono")
		public Mono<Map<String, Long>> mono(long id) {
			return Mono.empty();
		}

		@StampedeProtected(cache = "flux")
		public Flux<Long> flux(long id) {
			return Flux.empty();
		}

	}

	static class Repository<T> {

		@StampedeProtected(cache = "generic")
		public List<T> generic(long id) {
			return List.of();
		}

	}

	static class StringRepository extends Repository<String> {

	}

}
