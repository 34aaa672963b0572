package dev.stampede.backend.memcached;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeoutException;

import dev.stampede.StampedeBackendException;
import dev.stampede.StampedeException;
import dev.stampede.StampedeValueTooLargeException;
import dev.stampede.Envelope;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.codec.EnvelopeCodec;
import dev.stampede.codec.ValueCodec;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.exception.MemcachedException;
import net.rubyeye.xmemcached.impl.KetamaMemcachedSessionLocator;
import net.rubyeye.xmemcached.utils.AddrUtil;
import net.rubyeye.xmemcached.utils.Protocol;
import org.jspecify.annotations.Nullable;

/**
 * Keeps values and leases in memcached, one item per key: the item holds either a
 * lease record or a value envelope.
 * <p>
 * A lease is an {@code add} of a lease record with the holder's token, expiring
 * after {@code lease-ttl}; a stale or unreadable item is leased by a {@code cas}
 * against the version that was read. The winner replaces its lease by its value with
 * {@code gets} and {@code cas}, so the write is dropped when the item was deleted or
 * leased again meanwhile: an eviction is never undone. Releasing a lease is a
 * {@code delete} with the lease's CAS value, which only the binary protocol honours,
 * so this backend requires it.
 * <p>
 * memcached counts expirations in whole seconds: TTLs are rounded up (values get a
 * second more, as the envelope judges their freshness), and leases shorter than one
 * second are rejected.
 */
public final class MemcachedBackend implements StampedeBackend {

	private static final byte LEASE = 'L';

	private static final long MAX_RELATIVE_EXPIRY_SECONDS = Duration.ofDays(30).toSeconds();

	// memcached's default item size limit is 1 MB, item header and key included.
	private static final int MAX_VALUE_BYTES = 1024 * 1024 - 1024;

	private final MemcachedClient client;

	private final EnvelopeCodec codec;

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
		if (client.getProtocol() != Protocol.Binary) {
			throw new IllegalArgumentException("The memcached client must use the binary protocol "
					+ "(XMemcachedClientBuilder.setCommandFactory(new BinaryCommandFactory())): only it honours "
					+ "the CAS value of delete, which releases a lease only if its holder still owns it");
		}
		this.client = client;
		this.codec = new EnvelopeCodec(codec);
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
			return new MemcachedBackend(builder.build(), codec, opTimeout, servers);
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
	public Slot read(String key) {
		GetsResponse<byte[]> response = gets(key);
		if (response == null) {
			return Slot.EMPTY;
		}
		byte[] bytes = response.getValue();
		if (bytes.length > 0 && bytes[0] == LEASE) {
			return new Slot.Leased(new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8));
		}
		Envelope envelope = this.codec.decode(bytes);
		return (envelope != null) ? new Slot.Present(envelope, response.getCas())
				: new Slot.Unreadable(response.getCas());
	}

	@Override
	public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl) {
		byte[] lease = lease(token);
		int expiry = expiry(leaseTtl);
		if (observed instanceof Slot.Empty) {
			return call("add", key, () -> this.client.add(key, expiry, lease, RawBytesTranscoder.INSTANCE,
					this.opTimeoutMillis));
		}
		long version;
		if (observed instanceof Slot.Present present) {
			version = present.version();
		}
		else if (observed instanceof Slot.Unreadable unreadable) {
			version = unreadable.version();
		}
		else {
			return false;
		}
		return cas(key, expiry, lease, version);
	}

	@Override
	public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
		byte[] value = encode(envelope);
		GetsResponse<byte[]> current = gets(key);
		if (current == null || !Arrays.equals(current.getValue(), lease(token))) {
			return false;
		}
		return cas(key, valueExpiry(ttl), value, current.getCas());
	}

	@Override
	public void abandonLease(String cache, String key, String token) {
		GetsResponse<byte[]> current = gets(key);
		if (current != null && Arrays.equals(current.getValue(), lease(token))) {
			call("delete", key, () -> this.client.delete(key, current.getCas(), this.opTimeoutMillis));
		}
	}

	@Override
	public boolean tryRefreshLease(String key, String token, Duration leaseTtl) {
		String refreshKey = refreshKey(key);
		byte[] lease = lease(token);
		return call("add", refreshKey, () -> this.client.add(refreshKey, expiry(leaseTtl), lease,
				RawBytesTranscoder.INSTANCE, this.opTimeoutMillis));
	}

	@Override
	public boolean replace(String key, long version, Envelope envelope, Duration ttl) {
		return cas(key, valueExpiry(ttl), encode(envelope), version);
	}

	@Override
	public void releaseRefreshLease(String key, String token) {
		String refreshKey = refreshKey(key);
		GetsResponse<byte[]> current = gets(refreshKey);
		if (current != null && Arrays.equals(current.getValue(), lease(token))) {
			call("delete", refreshKey, () -> this.client.delete(refreshKey, current.getCas(), this.opTimeoutMillis));
		}
	}

	@Override
	public void evict(String key) {
		call("delete", key, () -> this.client.delete(key, this.opTimeoutMillis));
		String refreshKey = refreshKey(key);
		call("delete", refreshKey, () -> this.client.delete(refreshKey, this.opTimeoutMillis));
	}

	@Override
	public long generation(String key) {
		byte[] stored = call("get", key, () -> this.client.get(key, this.opTimeoutMillis, RawBytesTranscoder.INSTANCE));
		if (stored != null) {
			return Long.parseLong(new String(stored, StandardCharsets.US_ASCII).trim());
		}
		// A generation memcached lost restarts from the clock, beyond every earlier one.
		long initial = System.currentTimeMillis();
		byte[] text = Long.toString(initial).getBytes(StandardCharsets.US_ASCII);
		boolean added = call("add", key,
				() -> this.client.add(key, 0, text, RawBytesTranscoder.INSTANCE, this.opTimeoutMillis));
		if (added) {
			return initial;
		}
		byte[] concurrent = call("get", key,
				() -> this.client.get(key, this.opTimeoutMillis, RawBytesTranscoder.INSTANCE));
		return (concurrent != null) ? Long.parseLong(new String(concurrent, StandardCharsets.US_ASCII).trim())
				: initial;
	}

	@Override
	public long nextGeneration(String key) {
		return call("incr", key, () -> this.client.incr(key, 1, System.currentTimeMillis(), this.opTimeoutMillis));
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

	private @Nullable GetsResponse<byte[]> gets(String key) {
		return call("gets", key, () -> this.client.gets(key, this.opTimeoutMillis, RawBytesTranscoder.INSTANCE));
	}

	private boolean cas(String key, int expiry, byte[] value, long version) {
		return call("cas", key, () -> this.client.cas(key, expiry, value, RawBytesTranscoder.INSTANCE,
				this.opTimeoutMillis, version));
	}

	// Two characters, which the at most 245 characters of a hashed key leave room for.
	static String refreshKey(String key) {
		return key + "~r";
	}

	private byte[] encode(Envelope envelope) {
		byte[] value = this.codec.encode(envelope);
		if (value.length > MAX_VALUE_BYTES) {
			throw new StampedeValueTooLargeException("the value takes " + value.length + " bytes, and memcached "
					+ "stores at most " + MAX_VALUE_BYTES + " (its item size limit is 1 MB)");
		}
		return value;
	}

	private static byte[] lease(String token) {
		byte[] text = token.getBytes(StandardCharsets.UTF_8);
		byte[] lease = new byte[text.length + 1];
		lease[0] = LEASE;
		System.arraycopy(text, 0, lease, 1, text.length);
		return lease;
	}

	// memcached's clock ticks in whole seconds, so an item may expire up to a second early;
	// the envelope judges freshness precisely, and a second more keeps the item until then.
	static int valueExpiry(Duration ttl) {
		return expiry((ttl.getSeconds() < Long.MAX_VALUE) ? ttl.plusSeconds(1) : ttl);
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

	private <T> T call(String operation, String key, MemcachedCall<T> call) {
		try {
			return call.run();
		}
		catch (TimeoutException ex) {
			throw new StampedeBackendException("memcached " + operation + " of '" + key + "' timed out after "
					+ this.opTimeoutMillis + " ms (servers " + this.servers + ")", ex);
		}
		catch (MemcachedException | IllegalStateException ex) {
			throw new StampedeBackendException("memcached " + operation + " of '" + key + "' failed (servers "
					+ this.servers + "): " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new StampedeException("Interrupted during memcached " + operation + " of '" + key + "'", ex);
		}
	}

	@FunctionalInterface
	private interface MemcachedCall<T> {

		T run() throws TimeoutException, InterruptedException, MemcachedException;

	}

}
