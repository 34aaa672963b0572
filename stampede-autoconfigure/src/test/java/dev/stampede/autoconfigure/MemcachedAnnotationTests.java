package dev.stampede.autoconfigure;

import dev.stampede.backend.memcached.MemcachedBackend;
import dev.stampede.test.MemcachedServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = AbstractAnnotationTests.CatalogApplication.class,
		properties = { "stampede.defaults.ttl=1h", "stampede.defaults.lease-ttl=2s",
				"stampede.caches.configured-ttl.ttl=1s", "stampede.caches.stale.refresh=async" })
class MemcachedAnnotationTests extends AbstractSharedBackendAnnotationTests {

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@DynamicPropertySource
	static void memcachedServers(DynamicPropertyRegistry registry) {
		registry.add("stampede.memcached.servers", () -> memcached.server().address());
	}

	@Test
	void setServersSelectTheMemcachedBackend() {
		assertThat(this.stampede.inspection().backend().name()).isEqualTo("memcached");
	}

}
