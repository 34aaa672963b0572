package dev.stampede.sample;

import dev.stampede.test.MemcachedServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "stampede.backend=memcached")
class MemcachedSampleTests extends AbstractSampleTests {

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@DynamicPropertySource
	static void memcachedServers(DynamicPropertyRegistry registry) {
		registry.add("stampede.memcached.servers", () -> memcached.server().address());
	}

}
