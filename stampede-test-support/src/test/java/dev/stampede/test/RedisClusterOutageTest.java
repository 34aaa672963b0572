package dev.stampede.test;

import dev.stampede.backend.StampedeBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outage contract with a whole Redis Cluster killed, paused or restarted: every
 * master at once. One cluster serves the class, as joining one takes seconds; the
 * extension brings back whatever a test harmed, and each test starts on empty masters.
 * A restarted cluster serves again only two seconds after its masters start, so this
 * takes most of a minute and runs with {@code -Psoak}; a single master killed during a
 * stampede is {@link RedisClusterEngineTest}'s, on every build.
 */
@Tag("soak")
class RedisClusterOutageTest extends OutageContract {

	@RegisterExtension
	static final ServerExtension<RedisCluster> cluster = ServerExtension.redisCluster();

	@BeforeEach
	void emptyMasters() {
		cluster.server().flushAll();
	}

	@Override
	protected TestServer server() {
		return cluster.server();
	}

	@Override
	protected StampedeBackend connect() {
		return RedisClusterBackendTest.connect(cluster.server(), this::closeAfterTest);
	}

}
