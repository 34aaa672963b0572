package dev.stampede.backend.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import dev.stampede.Envelope;
import dev.stampede.StampedeBackendException;
import dev.stampede.backend.KeyEvent;
import dev.stampede.backend.KeyEventListener;
import dev.stampede.backend.KeyValueBackend;
import dev.stampede.codec.RecordCodec;
import dev.stampede.codec.ValueCodec;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Keeps values and leases in Redis, one string key per entry, with the protocol of
 * {@link KeyValueBackend}. Redis keeps no versions, so the version of what a key holds
 * is the stamp of its record ({@link RecordCodec#stamp}). An {@code add} is
 * {@code SET NX PX}; everything that must check a key before changing it
 * (compare-and-set and compare-and-delete at a stamp) is one Lua script, so an eviction
 * between the check and the write is impossible and never undone. As a lease's stamp
 * follows from its holder's token, the holder's write and release are one script each,
 * without reading first. Every script touches one key, so they run unchanged on Redis
 * Cluster, where each goes to the master of its key's slot.
 * <p>
 * Commands travel on the application's own Lettuce connection, asynchronously, and a
 * caller waits for an answer at most {@code opTimeout}, whatever the connection's own
 * command timeout ({@code spring.data.redis.timeout}, which applications often set to
 * seconds): past it, the operation fails with {@link StampedeBackendException}. A lease
 * command whose answer a caller did not get (it stopped waiting, or the answer was lost
 * with the connection) may have taken the lease, or take it once Redis answers; a
 * release of that very lease is queued right behind it, on the same connection, so no
 * lease outlives a caller that was told it has none.
 * <p>
 * Key events travel on pub/sub channels {@code stampede:lease-ended:<cache>} and
 * {@code stampede:evicted:<cache>}, to which each backend instance subscribes once
 * with a pattern. The script that writes a value or releases a lease publishes in the
 * same step, before the holder hears back; an eviction is published by a script on the
 * evicted key, so on a cluster the key's own master publishes it. Redis Cluster
 * forwards every message to every node, so an instance hears them whichever node it
 * subscribed on.
 */
public final class RedisBackend extends KeyValueBackend {

	/** How long one operation may take unless told otherwise. */
	public static final Duration DEFAULT_OP_TIMEOUT = Duration.ofMillis(500);

	private static final Duration SUBSCRIBE_RETRY = Duration.ofSeconds(5);

	private static final Logger logger = LoggerFactory.getLogger(RedisBackend.class);

	private static final String LEASE_ENDED_CHANNEL = "stampede:lease-ended:";

	private static final String EVICTED_CHANNEL = "stampede:evicted:";

	private static final byte[] NO_CHANNEL = new byte[0];

	private static final String OK = "OK";

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

	// ARGV: the channel. On a cluster it runs on the key's master, which the key's eviction
	// just reached, rather than on whichever node takes keyless commands.
	private static final RedisScript<Long> PUBLISH_KEY = RedisScript.of("""
			return redis.call('PUBLISH', ARGV[1], KEYS[1])
			""", Long.class);

	private static final RedisScript<Long> INCREMENT = RedisScript.of("""
			if redis.call('SET', KEYS[1], ARGV[1], 'NX') then return tonumber(ARGV[1]) end
			return redis.call('INCR', KEYS[1])
			""", Long.class);

	private final LettuceConnectionFactory connectionFactory;

	private final long opTimeoutNanos;

	private final List<KeyEventListener> listeners = new CopyOnWriteArrayList<>();

	// Guards starting and stopping the subscription, which talk to Redis: a lock rather than
	// a monitor, so that a virtual thread blocked on that I/O does not pin its carrier.
	private final ReentrantLock lifecycle = new ReentrantLock();

	private volatile @Nullable RedisMessageListenerContainer container;

	private @Nullable ExecutorService listenerExecutor;

	/**
	 * Creates a backend on the application's Redis connection, whose operations time out
	 * after {@link #DEFAULT_OP_TIMEOUT}.
	 * @param connectionFactory the connection, as Spring Boot configures it from {@code spring.data.redis.*}
	 * @param codec encodes values
	 */
	public RedisBackend(LettuceConnectionFactory connectionFactory, ValueCodec codec) {
		this(connectionFactory, new RecordCodec(codec), DEFAULT_OP_TIMEOUT);
	}

	/**
	 * Creates a backend on the application's Redis connection, whose operations time out
	 * after {@link #DEFAULT_OP_TIMEOUT}.
	 * @param connectionFactory the connection, as Spring Boot configures it from {@code spring.data.redis.*}
	 * @param records encodes leases and values, signed or compressed as it was built
	 */
	public RedisBackend(LettuceConnectionFactory connectionFactory, RecordCodec records) {
		this(connectionFactory, records, DEFAULT_OP_TIMEOUT);
	}

	/**
	 * Creates a backend on the application's Redis connection.
	 * @param connectionFactory the connection, as Spring Boot configures it from {@code spring.data.redis.*}
	 * @param records encodes leases and values, signed or compressed as it was built
	 * @param opTimeout how long a caller waits for one operation, whatever the connection's own timeout
	 * @throws IllegalArgumentException if {@code opTimeout} is not positive
	 */
	public RedisBackend(LettuceConnectionFactory connectionFactory, RecordCodec records, Duration opTimeout) {
		super(records);
		if (opTimeout.isNegative() || opTimeout.isZero()) {
			throw new IllegalArgumentException("The Redis operation timeout must be positive, not " + opTimeout);
		}
		this.connectionFactory = connectionFactory;
		this.opTimeoutNanos = opTimeout.toNanos();
	}

	@Override
	public String name() {
		return "redis";
	}

	@Override
	protected @Nullable Stored get(String key) {
		byte[] bytes = call("GET", key, null, (redis) -> redis.get(bytes(key)));
		return (bytes != null) ? new Stored(bytes, RecordCodec.stamp(bytes)) : null;
	}

	@Override
	protected boolean add(String key, byte[] bytes, @Nullable Duration ttl) {
		SetArgs ifAbsent = (ttl != null) ? SetArgs.Builder.nx().px(Math.max(1, ttl.toMillis())) : SetArgs.Builder.nx();
		return OK.equals(call("SET NX", key, leaseIn(bytes), (redis) -> redis.set(bytes(key), bytes, ifAbsent)));
	}

	@Override
	protected boolean compareAndSet(String key, long version, byte[] bytes, Duration ttl) {
		return script(SET_AT_STAMP, key, leaseIn(bytes), stamp(version), bytes, millis(ttl), NO_CHANNEL);
	}

	@Override
	protected boolean compareAndDelete(String key, long version) {
		return script(DELETE_AT_STAMP, key, null, stamp(version), NO_CHANNEL);
	}

	// On a cluster, Lettuce sends the keys of each slot to its own master.
	@Override
	protected void delete(String... keys) {
		byte[][] encoded = new byte[keys.length][];
		for (int i = 0; i < keys.length; i++) {
			encoded[i] = bytes(keys[i]);
		}
		call("DEL", keys[0], null, (redis) -> redis.del(encoded));
	}

	@Override
	protected long increment(String key, long initial) {
		Long count = evaluate(INCREMENT, key, null, Long.toString(initial).getBytes(StandardCharsets.US_ASCII));
		if (count == null) {
			throw new StampedeBackendException("Redis returned no count for '" + key + "'", null);
		}
		return count;
	}

	@Override
	protected void publish(KeyEvent event, String cache, String key) {
		evaluate(PUBLISH_KEY, key, null, bytes(channel(event, cache)));
	}

	@Override
	protected OptionalLong leaseVersion(String key, String token) {
		return OptionalLong.of(RecordCodec.leaseStamp(token));
	}

	@Override
	public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
		return script(SET_AT_STAMP, key, null, stamp(RecordCodec.leaseStamp(token)),
				records().encodeValue(key, envelope), millis(valueTtl(ttl)), leaseEndedChannel(cache));
	}

	@Override
	public void abandonLease(String cache, String key, String token) {
		script(DELETE_AT_STAMP, key, null, stamp(RecordCodec.leaseStamp(token)), leaseEndedChannel(cache));
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
		if (this.connectionFactory.isClusterAware()) {
			return "redis cluster " + this.connectionFactory.getClusterConfiguration()
				.getClusterNodes()
				.stream()
				.map(RedisNode::asString)
				.collect(Collectors.joining(","));
		}
		if (this.connectionFactory.isRedisSentinelAware()) {
			return "redis sentinel master " + this.connectionFactory.getSentinelConfiguration().getMaster().getName();
		}
		return "redis " + this.connectionFactory.getHostName() + ":" + this.connectionFactory.getPort();
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

	private boolean script(RedisScript<Long> script, String key, byte @Nullable [] lease, byte[]... args) {
		Long result = evaluate(script, key, lease, args);
		return result != null && result == 1L;
	}

	// EVALSHA first; a Redis that does not know the script (restarted, flushed, or another
	// master of a cluster) is sent the whole script within the same time limit.
	private @Nullable Long evaluate(RedisScript<Long> script, String key, byte @Nullable [] lease, byte[]... args) {
		byte[][] keys = { bytes(key) };
		return exchange("EVALSHA", key, lease, (redis, deadline) -> {
			try {
				return await(redis.<Long>evalsha(script.getSha1(), ScriptOutputType.INTEGER, keys, args), deadline);
			}
			catch (ExecutionException ex) {
				if (!(ex.getCause() instanceof RedisNoScriptException)) {
					throw ex;
				}
				return await(redis.<Long>eval(script.getScriptAsString(), ScriptOutputType.INTEGER, keys, args),
						deadline);
			}
		});
	}

	private static String channel(KeyEvent event, String cache) {
		return ((event == KeyEvent.EVICTED) ? EVICTED_CHANNEL : LEASE_ENDED_CHANNEL) + cache;
	}

	private static byte[] leaseEndedChannel(String cache) {
		return bytes(channel(KeyEvent.LEASE_ENDED, cache));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	// The bytes are the lease to give back should the caller stop waiting for their write.
	private byte @Nullable [] leaseIn(byte[] bytes) {
		return (records().leaseToken(bytes) != null) ? bytes : null;
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

	private <T> @Nullable T call(String operation, String key, byte @Nullable [] lease, Command<T> command) {
		return exchange(operation, key, lease, (redis, deadline) -> await(command.send(redis), deadline));
	}

	/**
	 * Runs one operation on the application's connection and waits for its answer until
	 * {@code opTimeout} has passed since it was sent. Making the connection, which happens
	 * once, is bounded by the connection's own connect timeout.
	 * @param lease the lease record the operation may write, given back unless Redis
	 * answers, or {@code null}
	 */
	private <T> @Nullable T exchange(String operation, String key, byte @Nullable [] lease, Exchange<T> exchange) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			RedisClusterAsyncCommands<byte[], byte[]> redis = ((LettuceConnection) connection).getNativeConnection();
			try {
				return exchange.run(redis, System.nanoTime() + this.opTimeoutNanos);
			}
			catch (TimeoutException | InterruptedException | ExecutionException ex) {
				// Unless Redis answered whether it took the lease, it may have taken it or take it yet.
				if (lease != null) {
					giveBack(redis, key, lease);
				}
				if (ex instanceof InterruptedException) {
					throw interruptedDuring(what(operation, key), ex);
				}
				if (ex instanceof ExecutionException) {
					throw failed(operation, key, ex.getCause());
				}
				throw new StampedeBackendException(what(operation, key) + " timed out after "
						+ TimeUnit.NANOSECONDS.toMillis(this.opTimeoutNanos) + " ms (stampede.redis.op-timeout)", ex);
			}
		}
		catch (DataAccessException | RedisException ex) {
			// Connecting failed, or Lettuce refused the command while disconnected.
			throw failed(operation, key, ex);
		}
	}

	// Queued behind the lease command on the same connection, so Redis runs it after that
	// command whenever it runs it; a lease the command did not take is left alone, as its
	// stamp is this lease's.
	private void giveBack(RedisClusterAsyncCommands<byte[], byte[]> redis, String key, byte[] lease) {
		try {
			redis.<Long>eval(DELETE_AT_STAMP.getScriptAsString(), ScriptOutputType.INTEGER,
					new byte[][] { bytes(key) }, stamp(RecordCodec.stamp(lease)), NO_CHANNEL)
				.whenComplete((deleted, ex) -> {
					if (ex != null) {
						logger.debug("Could not give back the lease of '{}', which ends after its ttl: {}", key,
								ex.getMessage());
					}
				});
		}
		catch (RedisException ex) {
			logger.debug("Could not give back the lease of '{}', which ends after its ttl: {}", key, ex.getMessage());
		}
	}

	private static <T> T await(RedisFuture<T> future, long deadline)
			throws TimeoutException, InterruptedException, ExecutionException {
		return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
	}

	private static RuntimeException failed(String operation, String key, Throwable failure) {
		// Lettuce reports a caller interrupted while it connects as a failed command.
		if (isInterruption(failure) || isLettuceInterruption(failure)) {
			return interruptedDuring(what(operation, key), failure);
		}
		return new StampedeBackendException(what(operation, key) + " failed: " + failure.getMessage(), failure);
	}

	private static String what(String operation, String key) {
		return "Redis " + operation + " of '" + key + "'";
	}

	private static boolean isLettuceInterruption(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof RedisCommandInterruptedException) {
				return true;
			}
		}
		return false;
	}

	/** Sends one command. */
	@FunctionalInterface
	private interface Command<T> {

		RedisFuture<T> send(RedisClusterAsyncCommands<byte[], byte[]> redis);

	}

	/** Sends commands and waits for their answers, until {@code deadline} of {@link System#nanoTime()}. */
	@FunctionalInterface
	private interface Exchange<T> {

		@Nullable T run(RedisClusterAsyncCommands<byte[], byte[]> redis, long deadline)
				throws TimeoutException, InterruptedException, ExecutionException;

	}

}
