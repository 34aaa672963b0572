package dev.stampede.cache;

import java.time.Duration;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.memcached.MemcachedBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.test.MemcachedServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class MemcachedSpringCacheTests extends SpringCacheContract {

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@Override
	StampedeBackend createBackend() {
		return MemcachedBackend.connect(memcached.server().address(), Duration.ofMillis(500), Duration.ofSeconds(1),
				new JdkSerializationCodec(null));
	}

}
