package dev.stampede.test;

import dev.stampede.backend.StampedeBackend;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisFailSafeTest extends FailSafeContract {

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	@Override
	protected StampedeBackend createBackend() {
		return RedisBackendTest.connect(redis.server(), this::closeAfterTest);
	}

}
