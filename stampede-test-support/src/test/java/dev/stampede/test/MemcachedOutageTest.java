package dev.stampede.test;

import dev.stampede.backend.StampedeBackend;
import org.junit.jupiter.api.extension.RegisterExtension;

class MemcachedOutageTest extends OutageContract {

	@RegisterExtension
	final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@Override
	protected ServerProcess server() {
		return this.memcached.server();
	}

	@Override
	protected StampedeBackend connect() {
		return MemcachedBackendTest.connect(this.memcached.server().address());
	}

}
