package dev.stampede.backend;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;

import dev.stampede.Envelope;
import dev.stampede.LoadEstimate;
import dev.stampede.StampedeBackendException;
import dev.stampede.StampedeInterruptedException;
import dev.stampede.codec.RecordCodec;
import dev.stampede.codec.ValueCodec;
import org.jspecify.annotations.Nullable;

/**
 * A backend over a key-value store that keeps bytes: the lease protocol, the record
 * format, refresh leases and generations, written once over a handful of primitives
 * that each store supplies.
 * <p>
 * A store implements {@link #get}, {@link #add}, {@link #compareAndSet},
 * {@link #compareAndDelete}, {@link #delete} and {@link #increment}, each one atomic on
 * the server; a store that can notify also implements {@link #publish} and
 * {@link #subscribe(KeyEventListener)}. Then:
 * <ul>
 * <li>a key's item holds a lease record or a value record ({@link RecordCodec}); anything
 * else, and a value the caller's type may not read, is {@link Slot.Unreadable}, a miss
 * that a lease at its version replaces;</li>
 * <li>a lease on an empty key is an {@code add}; on a value, or on bytes no engine can
 * read, a {@code compareAndSet} at the version that was read;</li>
 * <li>the holder replaces its lease with the value by a {@code compareAndSet} at the
 * lease's version, and releases it by a {@code compareAndDelete}: after an eviction
 * or another lease, neither touches the key;</li>
 * <li>a key's refresh lease is a lease record in the companion key {@code <key>~r}: an
 * {@code add}, released by a {@code compareAndDelete} of the holder's own record;</li>
 * <li>a generation is a decimal counter, created from the clock with an {@code add}
 * and moved on with {@code increment}; one the store lost starts again from the
 * clock, beyond every earlier one.</li>
 * </ul>
 * Stores whose operations need fewer round trips when combined (a script that writes
 * and publishes at once) override the operations of {@link StampedeBackend} themselves.
 */
public abstract class KeyValueBackend implements StampedeBackend {

	private final RecordCodec records;

	/**
	 * Creates a backend whose values {@code codec} encodes, unsigned and uncompressed.
	 * @param codec encodes values
	 */
	protected KeyValueBackend(ValueCodec codec) {
		this(new RecordCodec(codec));
	}

	/**
	 * Creates a backend that writes and reads {@code records}.
	 * @param records encodes leases and values, signed or compressed as it was built
	 */
	protected KeyValueBackend(RecordCodec records) {
		this.records = records;
	}

	/**
	 * Reads what the store holds under a key.
	 * @return the bytes and their version, or {@code null} if the store holds nothing
	 */
	protected abstract @Nullable Stored get(String key);

	/**
	 * Stores bytes under a key if it holds nothing.
	 * @param ttl how long to keep them; {@code null} to keep them until they are deleted
	 * @return whether they were stored
	 */
	protected abstract boolean add(String key, byte[] bytes, @Nullable Duration ttl);

	/**
	 * Replaces what a key holds if it is still the write that {@link #get} read at
	 * {@code version}. A deleted key is not written.
	 * @return whether the bytes were stored
	 */
	protected abstract boolean compareAndSet(String key, long version, byte[] bytes, Duration ttl);

	/**
	 * Deletes what a key holds if it is still the write that {@link #get} read at
	 * {@code version}.
	 * @return whether it was deleted
	 */
	protected abstract boolean compareAndDelete(String key, long version);

	/** Deletes whatever the keys hold. */
	protected abstract void delete(String... keys);

	/**
	 * Adds one to the decimal counter a key holds. A key that holds nothing is created
	 * holding {@code initial}, kept until it is deleted.
	 * @return the counter after the call: {@code initial} if it was created
	 */
	protected abstract long increment(String key, long initial);

	/**
	 * Tells the engines of every JVM on this store about a key, if the store can; the
	 * default does nothing, and waiters rely on polling alone.
	 */
	protected void publish(KeyEvent event, String cache, String key) {
	}

	/**
	 * How long the store is asked to keep a value that must stay readable for
	 * {@code ttl}. The envelope judges freshness itself, so a store whose clock may
	 * expire an item early asks for more; the default asks for {@code ttl}.
	 */
	protected Duration valueTtl(Duration ttl) {
		return ttl;
	}

	/**
	 * The version at which a key holds the lease of {@code token}. The default reads the
	 * key; a store whose versions are the records' stamps knows it without reading, as
	 * a lease's stamp follows from its token ({@link RecordCodec#leaseStamp}), and a
	 * compare-and-set at it fails unless the key holds that very lease.
	 * @return the version, or empty if the key holds no lease of {@code token}
	 */
	protected OptionalLong leaseVersion(String key, String token) {
		Stored stored = get(key);
		if (stored != null && token.equals(this.records.leaseToken(stored.bytes()))) {
			return OptionalLong.of(stored.version());
		}
		return OptionalLong.empty();
	}

	/** The record format this backend reads and writes. */
	protected final RecordCodec records() {
		return this.records;
	}

	@Override
	public Slot read(String key, Type valueType) {
		Stored stored = get(key);
		if (stored == null) {
			return Slot.EMPTY;
		}
		RecordCodec.Content content = this.records.decode(key, stored.bytes(), valueType);
		if (content instanceof RecordCodec.Value value) {
			return new Slot.Present(value.envelope(), stored.version());
		}
		if (content instanceof RecordCodec.Lease lease) {
			return new Slot.Leased(lease.token(), lease.estimate(), lease.holder());
		}
		RecordCodec.Unreadable unreadable = (RecordCodec.Unreadable) content;
		return new Slot.Unreadable(stored.version(), unreadable.reason(), unreadable.detail());
	}

	@Override
	public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl) {
		return tryLease(key, observed, token, leaseTtl, LoadEstimate.UNKNOWN);
	}

	@Override
	public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl, LoadEstimate estimate) {
		byte[] lease = this.records.encodeLease(token, estimate);
		if (observed instanceof Slot.Empty) {
			return add(key, lease, leaseTtl);
		}
		if (observed instanceof Slot.Present present) {
			return compareAndSet(key, present.version(), lease, leaseTtl);
		}
		if (observed instanceof Slot.Unreadable unreadable) {
			return compareAndSet(key, unreadable.version(), lease, leaseTtl);
		}
		return false;
	}

	@Override
	public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
		// Encoded first, so that a value that cannot be stored costs no round trip.
		byte[] value = this.records.encodeValue(key, envelope);
		OptionalLong lease = leaseVersion(key, token);
		if (lease.isEmpty() || !compareAndSet(key, lease.getAsLong(), value, valueTtl(ttl))) {
			return false;
		}
		publish(KeyEvent.LEASE_ENDED, cache, key);
		return true;
	}

	@Override
	public void abandonLease(String cache, String key, String token) {
		OptionalLong lease = leaseVersion(key, token);
		if (lease.isPresent() && compareAndDelete(key, lease.getAsLong())) {
			publish(KeyEvent.LEASE_ENDED, cache, key);
		}
	}

	@Override
	public boolean tryRefreshLease(String key, String token, Duration leaseTtl) {
		return add(refreshKey(key), this.records.encodeLease(token), leaseTtl);
	}

	@Override
	public boolean replace(String key, long version, Envelope envelope, Duration ttl) {
		return compareAndSet(key, version, this.records.encodeValue(key, envelope), valueTtl(ttl));
	}

	@Override
	public void releaseRefreshLease(String key, String token) {
		String refreshKey = refreshKey(key);
		OptionalLong lease = leaseVersion(refreshKey, token);
		if (lease.isPresent()) {
			compareAndDelete(refreshKey, lease.getAsLong());
		}
	}

	@Override
	public void evict(String key) {
		delete(key, refreshKey(key));
	}

	@Override
	public long generation(String key) {
		Stored stored = get(key);
		if (stored != null) {
			return parseGeneration(key, stored);
		}
		long initial = System.currentTimeMillis();
		if (add(key, Long.toString(initial).getBytes(StandardCharsets.US_ASCII), null)) {
			return initial;
		}
		Stored concurrent = get(key);
		return (concurrent != null) ? parseGeneration(key, concurrent) : initial;
	}

	// A generation the store lost restarts from the clock, beyond every earlier one.
	@Override
	public long nextGeneration(String key) {
		return increment(key, System.currentTimeMillis());
	}

	@Override
	public void publishEviction(String cache, String key) {
		publish(KeyEvent.EVICTED, cache, key);
	}

	/**
	 * The companion key of a key's refresh lease. Two characters, which the at most 245
	 * characters of a hashed key leave room for; a key of its own, so that on a
	 * partitioned store it may live elsewhere and no operation touches both.
	 */
	protected static String refreshKey(String key) {
		return key + "~r";
	}

	/**
	 * Whether a store operation failed because the calling thread was interrupted: its
	 * interrupt flag is set, or an {@link InterruptedException} is among the causes. An
	 * interrupt is the caller's, not the store's failure.
	 */
	protected static boolean isInterruption(Throwable failure) {
		if (Thread.currentThread().isInterrupted()) {
			return true;
		}
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InterruptedException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The exception for an operation that an interrupt ended. Sets the thread's interrupt
	 * flag again, which catching an {@link InterruptedException} cleared.
	 * @param operation what was interrupted, for the message
	 */
	protected static StampedeInterruptedException interruptedDuring(String operation, Throwable failure) {
		Thread.currentThread().interrupt();
		return new StampedeInterruptedException("Interrupted during " + operation, failure);
	}

	private static long parseGeneration(String key, Stored stored) {
		// memcached pads a counter whose increment shortened it with spaces.
		String text = new String(stored.bytes(), StandardCharsets.US_ASCII).trim();
		try {
			return Long.parseLong(text);
		}
		catch (NumberFormatException ex) {
			throw new StampedeBackendException("The generation key '" + key + "' holds '" + text
					+ "', not a number: another program wrote it", ex);
		}
	}

	/**
	 * What a store holds under a key.
	 * @param bytes the bytes
	 * @param version names this write of the key: a compare-and-set or compare-and-delete
	 * at it fails once the key was written, deleted or expired since (a native version
	 * such as memcached's CAS value, a counter that never restarts, or, for a store
	 * without either, {@link RecordCodec#stamp}, which names each write Stampede makes)
	 */
	public record Stored(byte[] bytes, long version) {
	}

}
