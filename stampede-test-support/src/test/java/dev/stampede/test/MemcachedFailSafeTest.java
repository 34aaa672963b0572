package dev.stampede.test;

import dev.stampede.backend.StampedeBackend;
import org.junit.jupiter.api.extension.RegisterExtension;

class MemcachedFailSafeTest extends FailSafeContract {

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@Override
	protected StampedeBackend createBackend() {
		return MemcachedBackendTest.connect(memcached.server().address());
	}

}
