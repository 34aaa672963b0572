package dev.stampede.test;

import java.time.Duration;
import java.util.function.Consumer;

import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.JdkSerializationCodec;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backend contract on a Redis Cluster of three masters: every script touches one
 * key, so each runs on the master of its key's slot, and the keys of one contract
 * test land on every master.
 */
class RedisClusterBackendTest extends BackendContract {

	@RegisterExtension
	static final ServerExtension<RedisCluster> cluster = ServerExtension.redisCluster();

	@Override
	protected StampedeBackend createBackend() {
		return connect(cluster.server(), this::closeAfterTest);
	}

	/** A backend on a new connection to {@code cluster}, whose connection {@code closeAfterTest} closes. */
	static RedisBackend connect(RedisCluster cluster, Consumer<AutoCloseable> closeAfterTest) {
		return connect(cluster, null, closeAfterTest);
	}

	/** A backend as {@link #connect(RedisCluster, Consumer)}, whose connections carry {@code clientName}. */
	static RedisBackend connect(RedisCluster cluster, @Nullable String clientName,
			Consumer<AutoCloseable> closeAfterTest) {
		LettuceConnectionFactory factory = cluster.connectionFactory(clientName);
		closeAfterTest.accept(factory::destroy);
		return new RedisBackend(factory, new JdkSerializationCodec(null));
	}

	@Test
	void aKeyAndItsRefreshLeaseOnDifferentMastersAreEvictedTogether() {
		RedisCluster redis = cluster.server();
		String key = key();
		while (redis.nodeServing(key) == redis.nodeServing(key + "~r")) {
			key = key();
		}
		StampedeBackend backend = backend();
		assertThat(backend.tryLease(key, Slot.EMPTY, "loader", LEASE_TTL)).isTrue();
		assertThat(backend.fulfilLease("contract", key, "loader", envelope("value"),
				Duration.ofMinutes(1))).isTrue();
		assertThat(backend.tryRefreshLease(key, "refresher", LEASE_TTL)).isTrue();
		backend.evict(key);
		assertThat(backend.read(key)).isEqualTo(Slot.EMPTY);
		assertThat(backend.tryRefreshLease(key, "next refresher", LEASE_TTL)).as("the refresh lease was evicted too")
			.isTrue();
	}

}
