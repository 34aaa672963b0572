package dev.stampede.benchmarks.harness;

import dev.stampede.test.MemcachedServer;
import dev.stampede.test.RedisServer;
import dev.stampede.test.ServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.utils.AddrUtil;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServerCommandsTests {

	@Test
	void countsEveryMemcachedCommandAClientSendsAndFlushes() throws Exception {
		try (MemcachedServer server = new MemcachedServer()) {
			server.start();
			XMemcachedClientBuilder builder = new XMemcachedClientBuilder(AddrUtil.getAddresses(server.address()));
			builder.setCommandFactory(new BinaryCommandFactory());
			MemcachedClient client = builder.build();
			try {
				long before = ServerCommands.commandsServed(Variant.Store.MEMCACHED, server);
				client.set("k", 0, "v");
				client.add("k", 0, "w");
				client.gets("k");
				client.get("k");
				client.get("missing");
				client.delete("k");

				assertThat(ServerCommands.commandsServed(Variant.Store.MEMCACHED, server) - before).isEqualTo(6);
				client.set("k", 0, "v");
				ServerCommands.flush(Variant.Store.MEMCACHED, server);
				assertThat((Object) client.get("k")).isNull();
			}
			finally {
				client.shutdown();
			}
		}
	}

	@Test
	void countsEveryRedisCommandAClientSendsButNotItsOwnAndFlushes() throws Exception {
		try (RedisServer server = new RedisServer()) {
			server.start();
			RedisClient client = RedisClient.create(RedisURI.create(ServerProcess.HOST, server.port()));
			try (StatefulRedisConnection<String, String> connection = client.connect()) {
				RedisCommands<String, String> redis = connection.sync();
				long before = ServerCommands.commandsServed(Variant.Store.REDIS, server);
				redis.set("k", "v");
				redis.setnx("k", "w");
				redis.get("k");
				redis.eval("return redis.call('GET', KEYS[1])", ScriptOutputType.VALUE, "k");
				redis.del("k");

				// the script's inner GET is counted too: it is work the server did
				assertThat(ServerCommands.commandsServed(Variant.Store.REDIS, server) - before).isEqualTo(6);
				redis.set("k", "v");
				ServerCommands.flush(Variant.Store.REDIS, server);
				assertThat(redis.get("k")).isNull();
			}
			finally {
				client.shutdown();
			}
		}
	}

}
