package dev.stampede.test;

import dev.stampede.backend.StampedeBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole engine contract on a Redis Cluster of three masters: stampedes of many
 * engines, stale serving and refresh, evicting all entries, with each key on the
 * master of its slot. It takes a minute, so it runs with {@code -Psoak};
 * {@link RedisClusterEngineTest} runs on every build.
 */
@Tag("soak")
class RedisClusterEngineContractTest extends EngineContract {

	@RegisterExtension
	static final ServerExtension<RedisCluster> cluster = ServerExtension.redisCluster();

	@Override
	protected StampedeBackend createBackend() {
		return RedisClusterBackendTest.connect(cluster.server(), this::closeAfterTest);
	}

}
