package dev.stampede.backend.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.stampede.Envelope;
import dev.stampede.StampedeBackendException;
import dev.stampede.backend.KeyEvent;
import dev.stampede.backend.KeyEventListener;
import dev.stampede.backend.KeyValueBackend;
import dev.stampede.codec.RecordCodec;
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
 * Keeps values and leases in Redis, one string key per entry, with the protocol of
 * {@link KeyValueBackend}. Redis keeps no versions, so the version of what a key holds
 * is the stamp of its record ({@link RecordCodec#stamp}). An {@code add} is
 * {@code SET NX PX}; everything that must check a key before changing it
 * (compare-and-set and compare-and-delete at a stamp) is one Lua script, so an eviction
 * between the check and the write is impossible and never undone. As a lease's stamp
 * follows from its holder's token, the holder's write and release are one script each,
 * without reading first. Every script touches one key, so they run unchanged on Redis
 * Cluster.
 * <p>
 * Key events travel on pub/sub channels {@code stampede:lease-ended:<cache>} and
 * {@code stampede:evicted:<cache>}, to which each backend instance subscribes once
 * with a pattern. The script that writes a value or releases a lease publishes in the
 * same step, before the holder hears back.
 */
public final class RedisBackend extends KeyValueBackend {

	private static final Duration SUBSCRIBE_RETRY = Duration.ofSeconds(5);

	private static final Logger logger = LoggerFactory.getLogger(RedisBackend.class);

	private static final String LEASE_ENDED_CHANNEL = "stampede:lease-ended:";

	private static final String EVICTED_CHANNEL = "stampede:evicted:";

	private static final byte[] NO_CHANNEL = new byte[0];

	private static final String LETTUCE_INTERRUPTED = "io.lettuce.core.RedisCommandInterruptedException";

	// The stamp of what a key holds, read as RecordCodec.stamp reads it; empty for bytes that
	// are not a record.
	private static final String STAMP_FUNCTION = """
			local function stamp(bytes)
			  if #bytes >= %d and string.sub(bytes, 1, %d) == '%s' then
			    return string.sub(bytes, %d, %d)
			  end
			  return ''
			end
			""".formatted(RecordCodec.HEADER_LENGTH, RecordCodec.formatPrefix().length,
			luaEscaped(RecordCodec.formatPrefix()), RecordCodec.STAMP_OFFSET + 1,
			RecordCodec.STAMP_OFFSET + Long.BYTES);

	// ARGV: the stamp that was read, the new bytes, their ttl in milliseconds, and a channel
	// to publish the key on in the same step, or nothing.
	private static final RedisScript<Long> SET_AT_STAMP = RedisScript.of(STAMP_FUNCTION + """
			local current = redis.call('GET', KEYS[1])
			if not current or stamp(current) ~= ARGV[1] then return 0 end
			redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
			if ARGV[4] ~= '' then redis.call('PUBLISH', ARGV[4], KEYS[1]) end
			return 1
			""", Long.class);

	// ARGV: the stamp that was read, and a channel to publish the key on in the same step, or nothing.
	private static final RedisScript<Long> DELETE_AT_STAMP = RedisScript.of(STAMP_FUNCTION + """
			local current = redis.call('GET', KEYS[1])
			if not current or stamp(current) ~= ARGV[1] then return 0 end
			redis.call('DEL', KEYS[1])
			if ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[2], KEYS[1]) end
			return 1
			""", Long.class);

	private static final RedisScript<Long> INCREMENT = RedisScript.of("""
			if redis.call('SET', KEYS[1], ARGV[1], 'NX') then return tonumber(ARGV[1]) end
			return redis.call('INCR', KEYS[1])
			""", Long.class);

	private final RedisConnectionFactory connectionFactory;

	private final RedisTemplate<String, byte[]> redis = new RedisTemplate<>();

	private final List<KeyEventListener> listeners = new CopyOnWriteArrayList<>();

	// Guards starting and stopping the subscription, which talk to Redis: a lock rather than
	// a monitor, so that a virtual thread blocked on that I/O does not pin its carrier.
	private final ReentrantLock lifecycle = new ReentrantLock();

	private volatile @Nullable RedisMessageListenerContainer container;

	private @Nullable ExecutorService listenerExecutor;

	/**
	 * Creates a backend on the application's Redis connection.
	 * @param connectionFactory the connection, as Spring Boot configures it from {@code spring.data.redis.*}
	 * @param codec encodes values
	 */
	public RedisBackend(RedisConnectionFactory connectionFactory, ValueCodec codec) {
		this(connectionFactory, new RecordCodec(codec));
	}

	/**
	 * Creates a backend on the application's Redis connection.
	 * @param connectionFactory the connection, as Spring Boot configures it from {@code spring.data.redis.*}
	 * @param records encodes leases and values, signed or compressed as it was built
	 */
	public RedisBackend(RedisConnectionFactory connectionFactory, RecordCodec records) {
		super(records);
		this.connectionFactory = connectionFactory;
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
	protected @Nullable Stored get(String key) {
		byte[] bytes = call("GET", key, () -> this.redis.opsForValue().get(key));
		return (bytes != null) ? new Stored(bytes, RecordCodec.stamp(bytes)) : null;
	}

	@Override
	protected boolean add(String key, byte[] bytes, @Nullable Duration ttl) {
		return Boolean.TRUE.equals(call("SET NX", key, () -> (ttl != null)
				? this.redis.opsForValue().setIfAbsent(key, bytes, ttl)
				: this.redis.opsForValue().setIfAbsent(key, bytes)));
	}

	@Override
	protected boolean compareAndSet(String key, long version, byte[] bytes, Duration ttl) {
		return script(SET_AT_STAMP, key, stamp(version), bytes, millis(ttl), NO_CHANNEL);
	}

	@Override
	protected boolean compareAndDelete(String key, long version) {
		return script(DELETE_AT_STAMP, key, stamp(version), NO_CHANNEL);
	}

	@Override
	protected void delete(String... keys) {
		call("DEL", keys[0], () -> this.redis.delete(List.of(keys)));
	}

	@Override
	protected long increment(String key, long initial) {
		Long count = call("EVALSHA", key, () -> this.redis.execute(INCREMENT, List.of(key),
				Long.toString(initial).getBytes(StandardCharsets.US_ASCII)));
		if (count == null) {
			throw new StampedeBackendException("Redis returned no count for '" + key + "'", null);
		}
		return count;
	}

	@Override
	protected void publish(KeyEvent event, String cache, String key) {
		call("PUBLISH", key,
				() -> this.redis.convertAndSend(channel(event, cache), key.getBytes(StandardCharsets.UTF_8)));
	}

	@Override
	protected OptionalLong leaseVersion(String key, String token) {
		return OptionalLong.of(RecordCodec.leaseStamp(token));
	}

	@Override
	public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
		return script(SET_AT_STAMP, key, stamp(RecordCodec.leaseStamp(token)), records().encodeValue(key, envelope),
				millis(valueTtl(ttl)), leaseEndedChannel(cache));
	}

	@Override
	public void abandonLease(String cache, String key, String token) {
		script(DELETE_AT_STAMP, key, stamp(RecordCodec.leaseStamp(token)), leaseEndedChannel(cache));
	}

	@Override
	public AutoCloseable subscribe(KeyEventListener listener) {
		this.lifecycle.lock();
		try {
			this.listeners.add(listener);
			if (this.container == null) {
				startListening();
			}
		}
		finally {
			this.lifecycle.unlock();
		}
		return () -> this.listeners.remove(listener);
	}

	@Override
	public void close() {
		this.lifecycle.lock();
		try {
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
		finally {
			this.lifecycle.unlock();
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

	private static String channel(KeyEvent event, String cache) {
		return ((event == KeyEvent.EVICTED) ? EVICTED_CHANNEL : LEASE_ENDED_CHANNEL) + cache;
	}

	private static byte[] leaseEndedChannel(String cache) {
		return channel(KeyEvent.LEASE_ENDED, cache).getBytes(StandardCharsets.UTF_8);
	}

	// The bytes the scripts compare: a stamp, or nothing for bytes that carry none.
	private static byte[] stamp(long version) {
		return (version != RecordCodec.UNSTAMPED) ? ByteBuffer.allocate(Long.BYTES).putLong(version).array()
				: new byte[0];
	}

	private static byte[] millis(Duration duration) {
		return Long.toString(Math.max(1, duration.toMillis())).getBytes(StandardCharsets.US_ASCII);
	}

	// Three decimal digits per byte, so that no escape runs into the next character.
	private static String luaEscaped(byte[] bytes) {
		StringBuilder escaped = new StringBuilder();
		for (byte b : bytes) {
			escaped.append('\\').append(String.format("%03d", b & 0xff));
		}
		return escaped.toString();
	}

	private <T> @Nullable T call(String operation, String key, Supplier<@Nullable T> call) {
		try {
			return call.get();
		}
		catch (RuntimeException ex) {
			String what = "Redis " + operation + " of '" + key + "'";
			// Lettuce reports an interrupted caller as a failed command.
			if (isInterruption(ex) || isLettuceInterruption(ex)) {
				throw interruptedDuring(what, ex);
			}
			if (ex instanceof DataAccessException) {
				throw new StampedeBackendException(what + " failed: " + ex.getMessage(), ex);
			}
			throw ex;
		}
	}

	private static boolean isLettuceInterruption(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause.getClass().getName().equals(LETTUCE_INTERRUPTED)) {
				return true;
			}
		}
		return false;
	}

}
