package dev.stampede.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

import dev.stampede.Envelope;
import dev.stampede.StampedeSerializationException;
import org.jspecify.annotations.Nullable;

/**
 * The binary form of everything Stampede writes to a shared backend: lease records and
 * value records. Every record starts with a header, so that bytes another program
 * wrote, whatever they begin with, are never taken for a lease or a value:
 *
 * <pre>
 * offset size
 *  0      4   magic number 0x89 'S' 'T' 'P' (0x89 begins no UTF-8 text and no Java stream)
 *  4      1   format version, 1
 *  5      1   kind: 'L' lease, 'V' value
 *  6      8   stamp: names this write of the key (see {@link #stamp})
 * lease body
 * 14      2   token length n, unsigned
 * 16      n   the holder's token, UTF-8
 * 16+n    *   fields, each a tag (1), a length (2, unsigned) and as many bytes
 * value body
 * 14      1   flags: 1 when the value is null
 * 15      8   fresh until, epoch milliseconds
 * 23      8   stale until, epoch milliseconds
 * 31      8   load time, milliseconds
 * 39      *   the value as the {@link ValueCodec} encodes it; nothing for null
 * </pre>
 *
 * Integers are big-endian. Readers of format 1 skip lease fields whose tag they do not
 * know, so a lease can carry more (the holder's start time and expected load time, its
 * identity) without a new format; any other change takes a new format version, which
 * older readers treat as foreign bytes.
 */
public final class RecordCodec {

	/** Length of the header every record starts with. */
	public static final int HEADER_LENGTH = 14;

	/** Offset of the header's last eight bytes, the stamp. */
	public static final int STAMP_OFFSET = 6;

	/** What {@link #stamp} returns for bytes that are not a record of this format. */
	public static final long UNSTAMPED = Long.MIN_VALUE;

	private static final byte[] FORMAT_PREFIX = { (byte) 0x89, 'S', 'T', 'P', 1 };

	private static final int KIND_OFFSET = 5;

	private static final byte LEASE = 'L';

	private static final byte VALUE = 'V';

	private static final byte NULL_VALUE = 1;

	private static final int VALUE_HEADER_LENGTH = HEADER_LENGTH + 1 + 3 * Long.BYTES;

	private static final int MAX_TOKEN_BYTES = 0xFFFF;

	private final ValueCodec valueCodec;

	/** Creates a codec that encodes values with {@code valueCodec}. */
	public RecordCodec(ValueCodec valueCodec) {
		this.valueCodec = valueCodec;
	}

	/**
	 * Encodes the lease that {@code token} holds.
	 * @throws IllegalArgumentException if the token takes more than 65535 bytes
	 */
	public byte[] encodeLease(String token) {
		byte[] text = token.getBytes(StandardCharsets.UTF_8);
		if (text.length > MAX_TOKEN_BYTES) {
			throw new IllegalArgumentException("A lease token takes at most " + MAX_TOKEN_BYTES + " bytes, not "
					+ text.length);
		}
		return header(HEADER_LENGTH + 2 + text.length, LEASE, leaseStamp(text)).putShort((short) text.length)
			.put(text)
			.array();
	}

	/**
	 * Encodes a value record, with a new random stamp.
	 * @throws StampedeSerializationException if the value cannot be encoded
	 */
	public byte[] encodeValue(Envelope envelope) {
		Object value = envelope.value();
		byte[] payload = (value != null) ? this.valueCodec.encode(value) : new byte[0];
		return header(VALUE_HEADER_LENGTH + payload.length, VALUE, randomStamp())
			.put((value != null) ? 0 : NULL_VALUE)
			.putLong(envelope.freshUntil())
			.putLong(envelope.staleUntil())
			.putLong(envelope.loadMillis())
			.put(payload)
			.array();
	}

	/**
	 * Decodes stored bytes. Never throws: bytes that are not a complete record of this
	 * format, and values the {@link ValueCodec} cannot decode, give {@code null}.
	 * @return the lease or value, or {@code null} if the bytes are none this codec can read
	 */
	public @Nullable Content decode(byte[] bytes) {
		if (!hasHeader(bytes)) {
			return null;
		}
		ByteBuffer buffer = ByteBuffer.wrap(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH);
		return switch (bytes[KIND_OFFSET]) {
			case LEASE -> decodeLease(buffer);
			case VALUE -> decodeValue(buffer);
			default -> null;
		};
	}

	/**
	 * The stamp of a record: a number that names one write of a key, so that a store
	 * without versions of its own can use it as the version of what it holds. A value's
	 * stamp is drawn at random; a lease's follows from its token ({@link #leaseStamp}),
	 * so the holder can name the version of its lease without reading it back.
	 * @return the stamp, or {@link #UNSTAMPED} if the bytes are not a record of this format
	 */
	public static long stamp(byte[] bytes) {
		return hasHeader(bytes) ? ByteBuffer.wrap(bytes).getLong(STAMP_OFFSET) : UNSTAMPED;
	}

	/** The stamp of the lease record that {@code token} holds. */
	public static long leaseStamp(String token) {
		return leaseStamp(token.getBytes(StandardCharsets.UTF_8));
	}

	/** The bytes every record of this format starts with: the magic number, then the format version. */
	public static byte[] formatPrefix() {
		return FORMAT_PREFIX.clone();
	}

	private static boolean hasHeader(byte[] bytes) {
		return bytes.length >= HEADER_LENGTH
				&& Arrays.equals(bytes, 0, FORMAT_PREFIX.length, FORMAT_PREFIX, 0, FORMAT_PREFIX.length);
	}

	private static ByteBuffer header(int length, byte kind, long stamp) {
		return ByteBuffer.allocate(length).put(FORMAT_PREFIX).put(kind).putLong(stamp);
	}

	private static @Nullable Lease decodeLease(ByteBuffer buffer) {
		if (buffer.remaining() < 2) {
			return null;
		}
		int length = Short.toUnsignedInt(buffer.getShort());
		if (buffer.remaining() < length) {
			return null;
		}
		String token = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
		buffer.position(buffer.position() + length);
		while (buffer.hasRemaining()) {
			if (buffer.remaining() < 3) {
				return null;
			}
			buffer.get();
			int fieldLength = Short.toUnsignedInt(buffer.getShort());
			if (buffer.remaining() < fieldLength) {
				return null;
			}
			buffer.position(buffer.position() + fieldLength);
		}
		return new Lease(token);
	}

	private @Nullable Value decodeValue(ByteBuffer buffer) {
		if (buffer.remaining() < VALUE_HEADER_LENGTH - HEADER_LENGTH) {
			return null;
		}
		byte flags = buffer.get();
		long freshUntil = buffer.getLong();
		long staleUntil = buffer.getLong();
		long loadMillis = buffer.getLong();
		if (flags == NULL_VALUE) {
			return buffer.hasRemaining() ? null : new Value(new Envelope(null, freshUntil, staleUntil, loadMillis));
		}
		if (flags != 0) {
			return null;
		}
		byte[] payload = Arrays.copyOfRange(buffer.array(), buffer.position(), buffer.limit());
		try {
			return new Value(new Envelope(this.valueCodec.decode(payload), freshUntil, staleUntil, loadMillis));
		}
		catch (RuntimeException ex) {
			// The value codec's own failure, for bytes it did not write or a class that changed.
			return null;
		}
	}

	private static long randomStamp() {
		long stamp;
		do {
			stamp = ThreadLocalRandom.current().nextLong();
		}
		while (stamp == UNSTAMPED);
		return stamp;
	}

	// 64-bit FNV-1a, then MurmurHash3's finaliser to spread it over every bit.
	private static long leaseStamp(byte[] token) {
		long hash = 0xcbf29ce484222325L;
		for (byte b : token) {
			hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
		}
		hash = (hash ^ (hash >>> 33)) * 0xff51afd7ed558ccdL;
		hash = (hash ^ (hash >>> 33)) * 0xc4ceb9fe1a85ec53L;
		hash ^= hash >>> 33;
		return (hash != UNSTAMPED) ? hash : ~hash;
	}

	/** What a record holds. */
	public sealed interface Content permits Lease, Value {
	}

	/**
	 * A lease: a caller computes the key's value.
	 * @param token the holder's token
	 */
	public record Lease(String token) implements Content {
	}

	/**
	 * A value and its metadata.
	 * @param envelope the value
	 */
	public record Value(Envelope envelope) implements Content {
	}

}
