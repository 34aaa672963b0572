package dev.stampede.backend.memcached;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.stampede.StampedeBackendException;
import dev.stampede.StampedeValueTooLargeException;
import dev.stampede.backend.KeyValueBackend;
import dev.stampede.codec.RecordCodec;
import dev.stampede.codec.ValueCodec;
import com.google.code.yanf4j.core.Session;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.MemcachedSessionLocator;
import net.rubyeye.xmemcached.XMemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.exception.MemcachedException;
import net.rubyeye.xmemcached.impl.KetamaMemcachedSessionLocator;
import net.rubyeye.xmemcached.utils.AddrUtil;
import net.rubyeye.xmemcached.utils.Protocol;
import org.jspecify.annotations.Nullable;

/**
 * Keeps values and leases in memcached, one item per key, with the protocol of
 * {@link KeyValueBackend} over memcached's own commands: {@code gets} reads an item with
 * its CAS value, which is the version; {@code add}, {@code cas}, {@code delete} with a
 * CAS value, and {@code incr} with an initial value do the rest. Only the binary
 * protocol honours the CAS value of {@code delete}, which releases a lease only if its
 * holder still owns it, so this backend requires it.
 * <p>
 * memcached counts expirations in whole seconds: TTLs are rounded up (values get a
 * second more, as the envelope judges their freshness), and leases shorter than one
 * second are rejected.
 * <p>
 * Keys are spread over the servers by consistent hashing (ketama). A server whose
 * connection closes leaves the ring at once (failure mode off), so its keys move to the
 * others, and comes back into it once the client reconnects. An operation that fails
 * because its key's server left the ring while it ran is sent once more, to the key's
 * new server: what the old one held left with it.
 */
public final class MemcachedBackend extends KeyValueBackend {

	private static final long MAX_RELATIVE_EXPIRY_SECONDS = Duration.ofDays(30).toSeconds();

	// memcached's default item size limit is 1 MB, item header and key included.
	private static final int MAX_VALUE_BYTES = 1024 * 1024 - 1024;

	private final MemcachedClient client;

	private final @Nullable MemcachedSessionLocator ring;

	private final long opTimeoutMillis;

	private final String servers;

	/**
	 * Uses a client built elsewhere; {@link #close()} shuts it down.
	 * @param client a client on the binary protocol
	 * @param codec encodes values
	 * @param opTimeout how long one memcached operation may take
	 * @param servers the servers, for messages
	 */
	public MemcachedBackend(MemcachedClient client, ValueCodec codec, Duration opTimeout, String servers) {
		this(client, new RecordCodec(codec), opTimeout, servers);
	}

	/**
	 * Uses a client built elsewhere; {@link #close()} shuts it down.
	 * @param client a client on the binary protocol
	 * @param records encodes leases and values, signed or compressed as it was built
	 * @param opTimeout how long one memcached operation may take
	 * @param servers the servers, for messages
	 */
	public MemcachedBackend(MemcachedClient client, RecordCodec records, Duration opTimeout, String servers) {
		super(records);
		if (client.getProtocol() != Protocol.Binary) {
			throw new IllegalArgumentException("The memcached client must use the binary protocol "
					+ "(XMemcachedClientBuilder.setCommandFactory(new BinaryCommandFactory())): only it honours "
					+ "the CAS value of delete, which releases a lease only if its holder still owns it");
		}
		this.client = client;
		this.ring = (client instanceof XMemcachedClient xmemcached) ? xmemcached.getSessionLocator() : null;
		this.opTimeoutMillis = opTimeout.toMillis();
		this.servers = servers;
	}

	/**
	 * Connects to memcached servers with consistent hashing across them. Servers that
	 * are down do not fail this call: operations fail until they are up.
	 * @param servers comma- or space-separated {@code host:port} list
	 * @param opTimeout how long one operation may take
	 * @param connectTimeout how long connecting may take
	 * @param codec encodes values
	 * @throws IllegalArgumentException if {@code servers} cannot be parsed
	 */
	public static MemcachedBackend connect(String servers, Duration opTimeout, Duration connectTimeout,
			ValueCodec codec) {
		return connect(servers, opTimeout, connectTimeout, new RecordCodec(codec));
	}

	/**
	 * Connects to memcached servers with consistent hashing across them, as
	 * {@link #connect(String, Duration, Duration, ValueCodec)} does.
	 * @param records encodes leases and values, signed or compressed as it was built
	 */
	public static MemcachedBackend connect(String servers, Duration opTimeout, Duration connectTimeout,
			RecordCodec records) {
		XMemcachedClientBuilder builder;
		try {
			builder = new XMemcachedClientBuilder(AddrUtil.getAddresses(servers.replace(',', ' ').trim()));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("Invalid memcached servers '" + servers
					+ "': expected a comma-separated list of host:port, such as 127.0.0.1:11211,cache2:11211", ex);
		}
		builder.setCommandFactory(new BinaryCommandFactory());
		builder.setSessionLocator(new KetamaMemcachedSessionLocator());
		builder.setOpTimeout(opTimeout.toMillis());
		builder.setConnectTimeout(connectTimeout.toMillis());
		builder.setFailureMode(false);
		try {
			return new MemcachedBackend(builder.build(), records, opTimeout, servers);
		}
		catch (IOException ex) {
			throw new StampedeBackendException("Could not create a memcached client for " + servers, ex);
		}
	}

	@Override
	public String name() {
		return "memcached";
	}

	/** The underlying client. */
	public MemcachedClient getClient() {
		return this.client;
	}

	// memcached counts expirations in whole seconds.
	@Override
	public Duration minimumLeaseTtl() {
		return Duration.ofSeconds(1);
	}

	// An expiry beyond 30 days is an absolute Unix time in 32 bits, which ends in January 2038;
	// a value is kept a second longer than asked.
	@Override
	public Duration maximumTtl() {
		return Duration.ofSeconds(Integer.MAX_VALUE - System.currentTimeMillis() / 1000 - 1);
	}

	@Override
	protected @Nullable Stored get(String key) {
		GetsResponse<byte[]> response = call("gets", key,
				() -> this.client.gets(key, this.opTimeoutMillis, RawBytesTranscoder.INSTANCE));
		return (response != null) ? new Stored(response.getValue(), response.getCas()) : null;
	}

	@Override
	protected boolean add(String key, byte[] bytes, @Nullable Duration ttl) {
		checkSize(bytes);
		int expiry = (ttl != null) ? expiry(ttl) : 0;
		return call("add", key,
				() -> this.client.add(key, expiry, bytes, RawBytesTranscoder.INSTANCE, this.opTimeoutMillis));
	}

	@Override
	protected boolean compareAndSet(String key, long version, byte[] bytes, Duration ttl) {
		checkSize(bytes);
		int expiry = expiry(ttl);
		return call("cas", key, () -> this.client.cas(key, expiry, bytes, RawBytesTranscoder.INSTANCE,
				this.opTimeoutMillis, version));
	}

	@Override
	protected boolean compareAndDelete(String key, long version) {
		return call("delete", key, () -> this.client.delete(key, version, this.opTimeoutMillis));
	}

	@Override
	protected void delete(String... keys) {
		for (String key : keys) {
			call("delete", key, () -> this.client.delete(key, this.opTimeoutMillis));
		}
	}

	@Override
	protected long increment(String key, long initial) {
		return call("incr", key, () -> this.client.incr(key, 1, initial, this.opTimeoutMillis));
	}

	// memcached's clock ticks in whole seconds, so an item may expire up to a second early;
	// the envelope judges freshness precisely, and a second more keeps the item until then.
	@Override
	protected Duration valueTtl(Duration ttl) {
		return (ttl.getSeconds() < Long.MAX_VALUE) ? ttl.plusSeconds(1) : ttl;
	}

	@Override
	public void close() {
		try {
			this.client.shutdown();
		}
		catch (IOException ex) {
			throw new StampedeBackendException("Could not shut down the memcached client of " + this.servers, ex);
		}
	}

	@Override
	public String toString() {
		return "memcached " + this.servers;
	}

	// memcached reads an expiry above 30 days as a Unix time in 32 bits. maximumTtl() keeps
	// settings within it; anything past its end (January 2038) is kept as long as memcached can
	// express rather than failing the write.
	static int expiry(Duration ttl) {
		long seconds = ttl.getSeconds();
		if (ttl.getNano() >= 1_000_000 && seconds < Long.MAX_VALUE) {
			seconds++;
		}
		seconds = Math.max(1, seconds);
		if (seconds <= MAX_RELATIVE_EXPIRY_SECONDS) {
			return (int) seconds;
		}
		long now = System.currentTimeMillis() / 1000;
		return (seconds >= Integer.MAX_VALUE - now) ? Integer.MAX_VALUE : (int) (now + seconds);
	}

	private static void checkSize(byte[] bytes) {
		if (bytes.length > MAX_VALUE_BYTES) {
			throw new StampedeValueTooLargeException("the value takes " + bytes.length + " bytes, and memcached "
					+ "stores at most " + MAX_VALUE_BYTES + " (its item size limit is 1 MB)");
		}
	}

	private <T> T call(String operation, String key, MemcachedCall<T> call) {
		Session server = serverOf(key);
		try {
			return call.run();
		}
		catch (TimeoutException | InterruptedException | MemcachedException | IllegalStateException ex) {
			if (!isInterruption(ex) && movedFrom(key, server)) {
				try {
					return call.run();
				}
				catch (TimeoutException | InterruptedException | MemcachedException | IllegalStateException again) {
					throw failure(operation, key, again);
				}
			}
			throw failure(operation, key, ex);
		}
	}

	private @Nullable Session serverOf(String key) {
		return (this.ring != null) ? this.ring.getSessionByKey(key) : null;
	}

	// Whether the key's server left the ring since the operation began, for another that is connected.
	private boolean movedFrom(String key, @Nullable Session server) {
		Session now = serverOf(key);
		return server != null && now != null && now != server && !now.isClosed();
	}

	private RuntimeException failure(String operation, String key, Exception ex) {
		String what = "memcached " + operation + " of '" + key + "'";
		if (isInterruption(ex)) {
			return interruptedDuring(what, ex);
		}
		if (ex instanceof TimeoutException) {
			return new StampedeBackendException(what + " timed out after " + this.opTimeoutMillis + " ms (servers "
					+ this.servers + ")", ex);
		}
		return new StampedeBackendException(what + " failed (servers " + this.servers + "): " + ex.getMessage(), ex);
	}

	@FunctionalInterface
	private interface MemcachedCall<T> {

		T run() throws TimeoutException, InterruptedException, MemcachedException;

	}

}
