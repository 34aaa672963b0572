package dev.stampede.test;

import dev.stampede.backend.StampedeBackend;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisOutageTest extends OutageContract {

	@RegisterExtension
	final ServerExtension<RedisServer> redis = ServerExtension.redis();

	@Override
	protected ServerProcess server() {
		return this.redis.server();
	}

	@Override
	protected StampedeBackend connect() {
		return RedisBackendTest.connect(this.redis.server(), this::closeAfterTest);
	}

}
