package dev.stampede.autoconfigure;

import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = AbstractAnnotationTests.CatalogApplication.class,
		properties = { "stampede.backend=local", "stampede.defaults.ttl=1h", "stampede.caches.configured-ttl.ttl=1s",
				"stampede.caches.stale.refresh=async" })
class LocalAnnotationTests extends AbstractAnnotationTests {

	@Test
	void theLocalBackendIsTheDefault() {
		assertThat(this.stampede.inspection().backend()).isInstanceOf(LocalBackend.class);
	}

}
