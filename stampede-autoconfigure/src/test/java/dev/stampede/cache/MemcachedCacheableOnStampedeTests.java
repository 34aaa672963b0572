package dev.stampede.cache;

import dev.stampede.test.MemcachedServer;
import dev.stampede.test.ServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class MemcachedCacheableOnStampedeTests extends AbstractCacheableOnStampedeTests {

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@Override
	String[] backendProperties() {
		return new String[] { "stampede.memcached.servers=" + memcached.server().address() };
	}

}
