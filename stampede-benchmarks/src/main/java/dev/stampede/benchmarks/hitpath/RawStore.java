package dev.stampede.benchmarks.hitpath;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.stampede.benchmarks.worker.Product;
import dev.stampede.test.ServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import net.rubyeye.xmemcached.MemcachedClient;

import org.springframework.core.serializer.support.DeserializingConverter;
import org.springframework.core.serializer.support.SerializingConverter;

/**
 * The store read directly by its own client, returning the same deserialized
 * {@link Product} the caches return: the floor under any cache abstraction.
 */
interface RawStore extends AutoCloseable {

	String KEY = "raw:p1";

	Product get();

	@Override
	void close() throws Exception;

	static RawStore of(String store, ServerProcess server) throws Exception {
		return switch (store) {
			case "local" -> new CaffeineStore();
			case "memcached" -> new MemcachedStore(server.address());
			case "redis" -> new LettuceStore(server.port());
			default -> throw new IllegalArgumentException("Unknown store '" + store + "'");
		};
	}

	/** Caffeine's {@code getIfPresent}. */
	final class CaffeineStore implements RawStore {

		private final Cache<String, Product> cache = Caffeine.newBuilder().maximumSize(10_000).build();

		CaffeineStore() {
			this.cache.put(KEY, Product.of("p1"));
		}

		@Override
		public Product get() {
			return this.cache.getIfPresent(KEY);
		}

		@Override
		public void close() {
		}

	}

	/** xmemcached's {@code get}, with its default transcoder (Java serialization). */
	final class MemcachedStore implements RawStore {

		private final MemcachedClient client;

		MemcachedStore(String address) throws Exception {
			this.client = HitPathApplication.memcachedClient(address);
			this.client.set(KEY, 0, Product.of("p1"));
		}

		@Override
		public Product get() {
			try {
				return this.client.get(KEY);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public void close() throws IOException {
			this.client.shutdown();
		}

	}

	/** Lettuce's synchronous {@code GET}, deserialized as Spring's Redis cache does. */
	final class LettuceStore implements RawStore {

		private static final byte[] KEY_BYTES = KEY.getBytes(StandardCharsets.UTF_8);

		private final RedisClient client;

		private final StatefulRedisConnection<byte[], byte[]> connection;

		private final RedisCommands<byte[], byte[]> commands;

		private final DeserializingConverter deserializer = new DeserializingConverter();

		LettuceStore(int port) {
			this.client = RedisClient.create(RedisURI.create(ServerProcess.HOST, port));
			this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
			this.commands = this.connection.sync();
			this.commands.set(KEY_BYTES, new SerializingConverter().convert(Product.of("p1")));
		}

		@Override
		public Product get() {
			return (Product) this.deserializer.convert(this.commands.get(KEY_BYTES));
		}

		@Override
		public void close() {
			this.connection.close();
			this.client.shutdown(0, 1, TimeUnit.SECONDS);
		}

	}

}
