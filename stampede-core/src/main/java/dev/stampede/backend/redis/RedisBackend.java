package dev.stampede.backend.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import dev.stampede.StampedeBackendException;
import dev.stampede.Envelope;
import dev.stampede.backend.KeyEvent;
import dev.stampede.backend.KeyEventListener;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.codec.EnvelopeCodec;
import dev.stampede.codec.ValueCodec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * Keeps values and leases in Redis, one string key per entry holding either a lease
 * record or a versioned value envelope.
 * <p>
 * A lease on an empty key is {@code SET key lease NX PX lease-ttl}. Everything that
 * must check the key before changing it (leasing an expired value at the version
 * that was read, replacing one's own lease with the value, releasing one's own lease)
 * is one Lua script, so an eviction between the check and the write is impossible
 * and never undone. Every entry is a single key, so the scripts touch one slot and
 * run unchanged on Redis Cluster.
 * <p>
 * Key events travel on pub/sub channels {@code stampede:lease-ended:<cache>} and
 * {@code stampede:evicted:<cache>}, to which each backend instance subscribes once
 * with a pattern.
 */
public final class RedisBackend implements StampedeBackend {

	private static final byte LEASE = 'L';

	private static final byte VALUE = 'V';

	private static final int VERSION_BYTES = Long.BYTES;

	private static final Duration SUBSCRIBE_RETRY = Duration.ofSeconds(5);

	private static final Logger logger = LoggerFactory.getLogger(RedisBackend.class);

	// Version of bytes another program wrote: they carry none.
	private static final long FOREIGN = Long.MIN_VALUE;

	private static final String LEASE_ENDED_CHANNEL = "stampede:lease-ended:";

	private static final String EVICTED_CHANNEL = "stampede:evicted:";

	// ARGV[3] empty: the slot held bytes of another program, which may be replaced by a lease.
	private static final RedisScript<Long> LEASE_AT_VERSION = RedisScript.of("""
			local current = redis.call('GET', KEYS[1])
			if not current then return 0 end
			local kind = string.sub(current, 1, 1)
			if ARGV[3] == '' then
			  if kind == 'L' or kind == 'V' then return 0 end
			elseif kind ~= 'V' or string.sub(current, 2, 9) ~= ARGV[3] then
			  return 0
			end
			redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
			return 1
			""", Long.class);

	// Waiters are told in the same step as the write, before the winner hears back.
	private static final RedisScript<Long> FULFIL_LEASE = RedisScript.of("""
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
			  redis.call('PUBLISH', ARGV[4], KEYS[1])
			  return 1
			end
			return 0
			""", Long.class);

	private static final RedisScript<Long> REPLACE_AT_VERSION = RedisScript.of("""
			local current = redis.call('GET', KEYS[1])
			if current and string.sub(current, 1, 1) == 'V' and string.sub(current, 2, 9) == ARGV[1] then
			  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
			  return 1
			end
			return 0
			""", Long.class);

	private static final RedisScript<Long> RELEASE_REFRESH_LEASE = RedisScript.of("""
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  return redis.call('DEL', KEYS[1])
			end
			return 0
			""", Long.class);

	// A generation Redis lost restarts from the clock, beyond every earlier one.
	private static final RedisScript<Long> NEXT_GENERATION = RedisScript.of("""
			redis.call('SET', KEYS[1], ARGV[1], 'NX')
			return redis.call('INCR', KEYS[1])
			""", Long.class);

	private static final RedisScript<Long> ABANDON_LEASE = RedisScript.of("""
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  redis.call('DEL', KEYS[1])
			  redis.call('PUBLISH', ARGV[2], KEYS[1])
			  return 1
			end
			return 0
			""", Long.class);

	private final RedisConnectionFactory connectionFactory;

	private final RedisTemplate<String, byte[]> redis = new RedisTemplate<>();

	private final EnvelopeCodec codec;

	private final List<KeyEventListener> listeners = new CopyOnWriteArrayList<>();

	private volatile @Nullable RedisMessageListenerContainer container;

	private @Nullable ExecutorService listenerExecutor;

	/**
	 * Creates a backend on the application's Redis connection.
	 * @param connectionFactory the connection, as Spring Boot configures it from {@code spring.data.redis.*}
	 * @param codec encodes values
	 */
	public RedisBackend(RedisConnectionFactory connectionFactory, ValueCodec codec) {
		this.connectionFactory = connectionFactory;
		this.codec = new EnvelopeCodec(codec);
		this.redis.setConnectionFactory(connectionFactory);
		this.redis.setKeySerializer(RedisSerializer.string());
		this.redis.setValueSerializer(RedisSerializer.byteArray());
		this.redis.setEnableDefaultSerializer(false);
		this.redis.afterPropertiesSet();
	}

	@Override
	public String name() {
		return "redis";
	}

	@Override
	public Slot read(String key) {
		byte[] bytes = call("GET", key, () -> this.redis.opsForValue().get(key));
		if (bytes == null) {
			return Slot.EMPTY;
		}
		if (bytes.length > 0 && bytes[0] == LEASE) {
			return new Slot.Leased(new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8));
		}
		if (bytes.length <= 1 + VERSION_BYTES || bytes[0] != VALUE) {
			return new Slot.Unreadable(FOREIGN);
		}
		long version = ByteBuffer.wrap(bytes, 1, VERSION_BYTES).getLong();
		Envelope envelope = this.codec.decode(Arrays.copyOfRange(bytes, 1 + VERSION_BYTES, bytes.length));
		return (envelope != null) ? new Slot.Present(envelope, version) : new Slot.Unreadable(version);
	}

	@Override
	public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl) {
		byte[] lease = lease(token);
		if (observed instanceof Slot.Empty) {
			return Boolean.TRUE.equals(
					call("SET NX PX", key, () -> this.redis.opsForValue().setIfAbsent(key, lease, leaseTtl)));
		}
		byte[] expected;
		if (observed instanceof Slot.Present present) {
			expected = versionBytes(present.version());
		}
		else if (observed instanceof Slot.Unreadable unreadable) {
			expected = (unreadable.version() == FOREIGN) ? new byte[0] : versionBytes(unreadable.version());
		}
		else {
			return false;
		}
		return script(LEASE_AT_VERSION, key, lease, millis(leaseTtl), expected);
	}

	@Override
	public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
		byte[] value = versioned(envelope);
		return script(FULFIL_LEASE, key, lease(token), value, millis(ttl), channel(LEASE_ENDED_CHANNEL, cache));
	}

	@Override
	public void abandonLease(String cache, String key, String token) {
		script(ABANDON_LEASE, key, lease(token), channel(LEASE_ENDED_CHANNEL, cache));
	}

	@Override
	public boolean tryRefreshLease(String key, String token, Duration leaseTtl) {
		String refreshKey = refreshKey(key);
		return Boolean.TRUE.equals(call("SET NX PX", refreshKey,
				() -> this.redis.opsForValue().setIfAbsent(refreshKey, lease(token), leaseTtl)));
	}

	@Override
	public boolean replace(String key, long version, Envelope envelope, Duration ttl) {
		return script(REPLACE_AT_VERSION, key, versionBytes(version), versioned(envelope), millis(ttl));
	}

	@Override
	public void releaseRefreshLease(String key, String token) {
		script(RELEASE_REFRESH_LEASE, refreshKey(key), lease(token));
	}

	@Override
	public void evict(String key) {
		call("DEL", key, () -> this.redis.delete(List.of(key, refreshKey(key))));
	}

	@Override
	public long generation(String key) {
		byte[] initial = Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII);
		call("SET NX", key, () -> this.redis.opsForValue().setIfAbsent(key, initial));
		byte[] current = call("GET", key, () -> this.redis.opsForValue().get(key));
		return Long.parseLong(new String((current != null) ? current : initial, StandardCharsets.US_ASCII));
	}

	@Override
	public long nextGeneration(String key) {
		Long next = call("EVALSHA", key, () -> this.redis.execute(NEXT_GENERATION, List.of(key),
				Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII)));
		return (next != null) ? next : generation(key);
	}

	@Override
	public void publishEviction(String cache, String key) {
		call("PUBLISH", key, () -> this.redis.convertAndSend(EVICTED_CHANNEL + cache,
				key.getBytes(StandardCharsets.UTF_8)));
	}

	@Override
	public synchronized AutoCloseable subscribe(KeyEventListener listener) {
		this.listeners.add(listener);
		if (this.container == null) {
			startListening();
		}
		return () -> this.listeners.remove(listener);
	}

	@Override
	public synchronized void close() {
		RedisMessageListenerContainer container = this.container;
		if (container != null) {
			this.container = null;
			try {
				container.destroy();
			}
			catch (Exception ex) {
				throw new StampedeBackendException("Could not stop listening to Redis", ex);
			}
			finally {
				this.listenerExecutor.shutdownNow();
			}
		}
	}

	@Override
	public String toString() {
		if (this.connectionFactory instanceof LettuceConnectionFactory lettuce) {
			return "redis " + lettuce.getHostName() + ":" + lettuce.getPort();
		}
		return "redis";
	}

	// Subscribes at once when Redis is up, so that no event published after this returns
	// is missed; otherwise retries on a thread of its own, so that a Redis that is down
	// when the application starts delays wake-ups, never the start-up.
	private void startListening() {
		ExecutorService executor = Executors.newSingleThreadExecutor((task) -> {
			Thread thread = new Thread(task, "stampede-redis-events");
			thread.setDaemon(true);
			return thread;
		});
		RedisMessageListenerContainer container = new RedisMessageListenerContainer();
		container.setConnectionFactory(this.connectionFactory);
		// Handling an event is a map look-up and a notify: done on the client's own thread,
		// it spares a waiter one thread hand-off.
		container.setTaskExecutor(Runnable::run);
		container.setSubscriptionExecutor(executor);
		container.setRecoveryInterval(SUBSCRIBE_RETRY.toMillis());
		container.addMessageListener(this::onMessage, List.of(new PatternTopic(LEASE_ENDED_CHANNEL + "*"),
				new PatternTopic(EVICTED_CHANNEL + "*")));
		container.afterPropertiesSet();
		this.container = container;
		this.listenerExecutor = executor;
		if (!trySubscribe(container)) {
			executor.execute(() -> retrySubscribe(container));
		}
	}

	private boolean trySubscribe(RedisMessageListenerContainer container) {
		try {
			container.start();
			return true;
		}
		catch (RuntimeException ex) {
			logger.warn("Could not subscribe to Redis key events ({}); waiters poll until it can, retrying every {} s",
					ex.getMessage(), SUBSCRIBE_RETRY.toSeconds());
			return false;
		}
	}

	private void retrySubscribe(RedisMessageListenerContainer container) {
		do {
			try {
				Thread.sleep(SUBSCRIBE_RETRY.toMillis());
			}
			catch (InterruptedException ex) {
				return;
			}
		}
		while (this.container == container && !container.isRunning() && !trySubscribe(container));
	}

	private void onMessage(Message message, byte @Nullable [] pattern) {
		String channel = new String(message.getChannel(), StandardCharsets.UTF_8);
		String key = new String(message.getBody(), StandardCharsets.UTF_8);
		KeyEvent event = channel.startsWith(EVICTED_CHANNEL) ? KeyEvent.EVICTED : KeyEvent.LEASE_ENDED;
		String cache = channel.substring(
				(event == KeyEvent.EVICTED) ? EVICTED_CHANNEL.length() : LEASE_ENDED_CHANNEL.length());
		this.listeners.forEach((listener) -> listener.onKeyEvent(event, cache, key));
	}

	private boolean script(RedisScript<Long> script, String key, byte[]... args) {
		Long result = call("EVALSHA", key, () -> this.redis.execute(script, List.of(key), (Object[]) args));
		return result != null && result == 1L;
	}

	private static byte[] lease(String token) {
		byte[] text = token.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(1 + text.length).put(LEASE).put(text).array();
	}

	private byte[] versioned(Envelope envelope) {
		byte[] encoded = this.codec.encode(envelope);
		return ByteBuffer.allocate(1 + VERSION_BYTES + encoded.length)
			.put(VALUE)
			.putLong(ThreadLocalRandom.current().nextLong())
			.put(encoded)
			.array();
	}

	// Two characters, which the at most 245 characters of a hashed key leave room for.
	// Its own key: in Redis Cluster it may live on another slot, and no script touches both.
	private static String refreshKey(String key) {
		return key + "~r";
	}

	private static byte[] channel(String prefix, String cache) {
		return (prefix + cache).getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] versionBytes(long version) {
		return ByteBuffer.allocate(VERSION_BYTES).putLong(version).array();
	}

	private static byte[] millis(Duration duration) {
		return Long.toString(Math.max(1, duration.toMillis())).getBytes(StandardCharsets.US_ASCII);
	}

	private <T> @Nullable T call(String operation, String key, Supplier<@Nullable T> call) {
		try {
			return call.get();
		}
		catch (DataAccessException ex) {
			throw new StampedeBackendException("Redis " + operation + " of '" + key + "' failed: " + ex.getMessage(),
					ex);
		}
	}

}
