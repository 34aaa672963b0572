package dev.stampede.codec;

import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;


import dev.stampede.Envelope;
import dev.stampede.LoadEstimate;
import dev.stampede.StampedeSerializationException;
import dev.stampede.UnreadableReason;
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
 *  5      1   kind: 'L' lease, 'T' value tagged with its codec
 *  6      8   stamp: names this write of the key (see {@link #stamp})
 * lease body
 * 14      2   token length n, unsigned
 * 16      n   the holder's token, UTF-8
 * 16+n    *   fields, each a tag (1), a length (2, unsigned) and as many bytes; tag 1, the
 *             load estimate ({@link LoadEstimate}), holds the expected load time in
 *             milliseconds (8) and when the holder took the lease, epoch milliseconds (8);
 *             tag 2, the holder, names the instance that took the lease in 1 to
 *             {@value #MAX_HOLDER_BYTES} bytes of UTF-8 without control characters
 * value body
 * 14      1   flags: 1 the value is null, 2 compressed, 4 signed
 * 15      1   codec id length c, 1 to 255
 * 16      c   codec id, US-ASCII ({@link ValueCodec#id()}, such as java/1)
 *         1   signing key id length k, then k bytes of the id, UTF-8 (signed only)
 *         8   fresh until, epoch milliseconds
 *         8   stale until, epoch milliseconds
 *         8   load time, milliseconds
 *         4   length of the payload once inflated (compressed only)
 *         *   payload: the value as the codec encodes it, deflated if compressed; nothing for null
 *        32   HMAC-SHA256 of the backend key's length (4) and UTF-8 bytes, then of every
 *             byte of the record before it (signed only)
 * </pre>
 *
 * Integers are big-endian. Readers of format 1 skip lease fields whose tag they do not
 * know and read kinds and flags they do not know as foreign bytes, so a new kind of
 * record needs no new format version; any other change takes a new format version,
 * which older readers treat as foreign bytes. Values of kind 'V', the first layout,
 * which named no codec, read as {@link UnreadableReason#OTHER_FORMAT}.
 * <p>
 * With a {@link SigningKey}, every value is signed and a value is read only when its
 * signature under that key checks out, before anything of it is inflated or decoded.
 * Without one, signatures are not checked, so that engines can start signing one at a
 * time. Leases are not signed: a forged lease makes callers wait, at most
 * {@code max-wait}, and decodes nothing.
 * <p>
 * With compression, payloads longer than a threshold are deflated ({@link Deflater},
 * fastest level) when that makes them shorter; payloads over
 * {@value #MAX_INFLATED_BYTES} bytes are stored as they are, and no reader inflates
 * more than that.
 */
public final class RecordCodec {

	/** Length of the header every record starts with. */
	public static final int HEADER_LENGTH = 14;

	/** Offset of the header's last eight bytes, the stamp. */
	public static final int STAMP_OFFSET = 6;

	/** What {@link #stamp} returns for bytes that are not a record of this format. */
	public static final long UNSTAMPED = Long.MIN_VALUE;

	/** Most bytes a compressed payload inflates to. */
	public static final int MAX_INFLATED_BYTES = 16 * 1024 * 1024;

	/** Most bytes of UTF-8 that name the instance holding a lease. */
	public static final int MAX_HOLDER_BYTES = 255;

	private static final byte[] FORMAT_PREFIX = { (byte) 0x89, 'S', 'T', 'P', 1 };

	private static final int KIND_OFFSET = 5;

	private static final byte LEASE = 'L';

	private static final byte UNTAGGED_VALUE = 'V';

	private static final byte VALUE = 'T';

	private static final int NULL_VALUE = 1;

	private static final int COMPRESSED = 2;

	private static final int SIGNED = 4;

	private static final int KNOWN_FLAGS = NULL_VALUE | COMPRESSED | SIGNED;

	private static final int SIGNATURE_LENGTH = 32;

	private static final int MAX_TOKEN_BYTES = 0xFFFF;

	private static final byte LOAD_ESTIMATE_FIELD = 1;

	private static final int LOAD_ESTIMATE_LENGTH = 2 * Long.BYTES;

	private static final byte HOLDER_FIELD = 2;

	private static final int MAX_DETAIL_LENGTH = 300;

	private static final byte[] NO_BYTES = new byte[0];

	private final ValueCodec valueCodec;

	private final byte[] codecId;

	private final @Nullable SigningKey signingKey;

	private final int compressAbove;

	private final byte @Nullable [] holder;

	/** Creates a codec that encodes values with {@code valueCodec}, neither signing nor compressing them. */
	public RecordCodec(ValueCodec valueCodec) {
		this(builder(valueCodec));
	}

	private RecordCodec(Builder builder) {
		this.valueCodec = builder.valueCodec;
		this.codecId = codecId(builder.valueCodec);
		this.signingKey = builder.signingKey;
		this.compressAbove = builder.compressAbove;
		this.holder = (builder.holder != null) ? builder.holder.getBytes(StandardCharsets.UTF_8) : null;
	}

	/** A builder of records of {@code valueCodec}'s values. */
	public static Builder builder(ValueCodec valueCodec) {
		return new Builder(valueCodec);
	}

	/** The codec of the values. */
	public ValueCodec valueCodec() {
		return this.valueCodec;
	}

	/**
	 * Encodes the lease that {@code token} holds, with no load estimate.
	 * @throws IllegalArgumentException if the token takes more than 65535 bytes
	 */
	public byte[] encodeLease(String token) {
		return encodeLease(token, LoadEstimate.UNKNOWN);
	}

	/**
	 * Encodes the lease that {@code token} holds, with what its holder expects of its
	 * load when it knows anything, and the name of this instance when it has one
	 * ({@link Builder#holder}). The stamp follows from the token alone.
	 * @throws IllegalArgumentException if the token takes more than 65535 bytes
	 */
	public byte[] encodeLease(String token, LoadEstimate estimate) {
		byte[] text = token.getBytes(StandardCharsets.UTF_8);
		if (text.length > MAX_TOKEN_BYTES) {
			throw new IllegalArgumentException("A lease token takes at most " + MAX_TOKEN_BYTES + " bytes, not "
					+ text.length);
		}
		byte[] holder = this.holder;
		int fields = (estimate.isKnown() ? 3 + LOAD_ESTIMATE_LENGTH : 0) + ((holder != null) ? 3 + holder.length : 0);
		ByteBuffer record = header(HEADER_LENGTH + 2 + text.length + fields, LEASE, leaseStamp(text))
			.putShort((short) text.length)
			.put(text);
		if (estimate.isKnown()) {
			record.put(LOAD_ESTIMATE_FIELD)
				.putShort((short) LOAD_ESTIMATE_LENGTH)
				.putLong(estimate.expectedMillis())
				.putLong(estimate.startedAtMillis());
		}
		if (holder != null) {
			record.put(HOLDER_FIELD).putShort((short) holder.length).put(holder);
		}
		return record.array();
	}

	/**
	 * Encodes a value record to be stored under {@code key}, with a new random stamp.
	 * @param key the backend key, which the signature covers: a signed value moved to
	 * another key does not read there
	 * @throws StampedeSerializationException if the value cannot be encoded
	 */
	public byte[] encodeValue(String key, Envelope envelope) {
		Object value = envelope.value();
		byte[] payload = (value != null) ? this.valueCodec.encode(value) : NO_BYTES;
		int flags = (value != null) ? 0 : NULL_VALUE;
		int inflatedLength = payload.length;
		if (this.compressAbove >= 0 && payload.length > this.compressAbove
				&& payload.length <= MAX_INFLATED_BYTES) {
			byte[] deflated = Compression.deflate(payload);
			if (deflated.length + Integer.BYTES < payload.length) {
				payload = deflated;
				flags |= COMPRESSED;
			}
		}
		SigningKey signing = this.signingKey;
		byte[] keyId = (signing != null) ? signing.idBytes() : NO_BYTES;
		if (signing != null) {
			flags |= SIGNED;
		}
		int length = HEADER_LENGTH + 2 + this.codecId.length + ((signing != null) ? 1 + keyId.length : 0)
				+ 3 * Long.BYTES + (((flags & COMPRESSED) != 0) ? Integer.BYTES : 0) + payload.length
				+ ((signing != null) ? SIGNATURE_LENGTH : 0);
		ByteBuffer record = header(length, VALUE, randomStamp()).put((byte) flags)
			.put((byte) this.codecId.length)
			.put(this.codecId);
		if (signing != null) {
			record.put((byte) keyId.length).put(keyId);
		}
		record.putLong(envelope.freshUntil()).putLong(envelope.staleUntil()).putLong(envelope.loadMillis());
		if ((flags & COMPRESSED) != 0) {
			record.putInt(inflatedLength);
		}
		record.put(payload);
		if (signing != null) {
			record.put(signing.sign(key, record.array(), record.position()));
		}
		return record.array();
	}

	/**
	 * Decodes stored bytes, a value into {@code declaredType}. Never throws: anything that
	 * is not a lease or a value this engine reads is {@link Unreadable}, with its reason.
	 * @param key the backend key the bytes were read from, which a signature covers
	 * @param declaredType what the caller expects, which bounds what the value codec reads
	 */
	public Content decode(String key, byte[] bytes, Type declaredType) {
		if (!hasHeader(bytes)) {
			return foreign("bytes that are no Stampede record");
		}
		return switch (bytes[KIND_OFFSET]) {
			case LEASE -> {
				Lease lease = decodeLease(bytes);
				yield (lease != null) ? lease : foreign("a lease record that is cut short");
			}
			case VALUE -> decodeValue(key, bytes, declaredType);
			case UNTAGGED_VALUE -> new Unreadable(UnreadableReason.OTHER_FORMAT,
					"a value of the first record layout, which names no codec");
			default -> foreign("a record of a kind this version does not know");
		};
	}

	/**
	 * The token of a lease record, without decoding anything else.
	 * @return the holder's token, or {@code null} if the bytes are no lease record
	 */
	public @Nullable String leaseToken(byte[] bytes) {
		Lease lease = (hasHeader(bytes) && bytes[KIND_OFFSET] == LEASE) ? decodeLease(bytes) : null;
		return (lease != null) ? lease.token() : null;
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

	@Override
	public String toString() {
		return "RecordCodec (values " + this.valueCodec.id()
				+ ((this.signingKey != null) ? ", signed under key id '" + this.signingKey.id() + "'" : ", unsigned")
				+ ((this.compressAbove >= 0) ? ", compressed above " + this.compressAbove + " bytes" : "")
				+ ((this.holder != null) ? ", leases held by '" + new String(this.holder, StandardCharsets.UTF_8) + "'"
						: "")
				+ ")";
	}

	private static boolean hasHeader(byte[] bytes) {
		return bytes.length >= HEADER_LENGTH
				&& Arrays.equals(bytes, 0, FORMAT_PREFIX.length, FORMAT_PREFIX, 0, FORMAT_PREFIX.length);
	}

	private static ByteBuffer header(int length, byte kind, long stamp) {
		return ByteBuffer.allocate(length).put(FORMAT_PREFIX).put(kind).putLong(stamp);
	}

	// A load estimate or a holder that is not as this version writes it is no estimate or no
	// holder, and the lease still a lease: its token is all the protocol needs.
	private static @Nullable Lease decodeLease(byte[] bytes) {
		ByteBuffer buffer = ByteBuffer.wrap(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH);
		if (buffer.remaining() < 2) {
			return null;
		}
		int length = Short.toUnsignedInt(buffer.getShort());
		if (buffer.remaining() < length) {
			return null;
		}
		String token = new String(bytes, buffer.position(), length, StandardCharsets.UTF_8);
		buffer.position(buffer.position() + length);
		LoadEstimate estimate = LoadEstimate.UNKNOWN;
		String holder = null;
		while (buffer.hasRemaining()) {
			if (buffer.remaining() < 3) {
				return null;
			}
			byte tag = buffer.get();
			int fieldLength = Short.toUnsignedInt(buffer.getShort());
			if (buffer.remaining() < fieldLength) {
				return null;
			}
			int next = buffer.position() + fieldLength;
			if (tag == LOAD_ESTIMATE_FIELD && fieldLength == LOAD_ESTIMATE_LENGTH) {
				estimate = new LoadEstimate(buffer.getLong(), buffer.getLong());
			}
			else if (tag == HOLDER_FIELD) {
				holder = holder(bytes, buffer.position(), fieldLength);
			}
			buffer.position(next);
		}
		return new Lease(token, estimate, holder);
	}

	// Whoever can write to the store chooses these bytes, and they end up in traces and logs:
	// anything but a short, printable name decoded without a single malformed byte is no name.
	private static @Nullable String holder(byte[] bytes, int offset, int length) {
		if (length == 0 || length > MAX_HOLDER_BYTES) {
			return null;
		}
		String holder;
		try {
			holder = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes, offset, length))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
		return isHolderName(holder) ? holder : null;
	}

	/**
	 * Whether {@code name} can name the instance that holds a lease: 1 to
	 * {@value #MAX_HOLDER_BYTES} bytes of UTF-8, no control characters.
	 */
	public static boolean isHolderName(String name) {
		return !name.isEmpty() && name.getBytes(StandardCharsets.UTF_8).length <= MAX_HOLDER_BYTES
				&& name.codePoints().noneMatch((c) -> Character.isISOControl(c)
						|| Character.getType(c) == Character.FORMAT || Character.getType(c) == Character.SURROGATE);
	}

	// Lengths come from the bytes, which anyone may have written: each is checked against
	// what remains before it is used, and nothing is inflated or decoded before the
	// signature, when there is a key, checks out.
	private Content decodeValue(String key, byte[] bytes, Type declaredType) {
		ByteBuffer buffer = ByteBuffer.wrap(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH);
		if (buffer.remaining() < 2) {
			return foreign("a value record that is cut short");
		}
		int flags = Byte.toUnsignedInt(buffer.get());
		int codecIdLength = Byte.toUnsignedInt(buffer.get());
		if ((flags & ~KNOWN_FLAGS) != 0 || codecIdLength == 0 || buffer.remaining() < codecIdLength) {
			return foreign("a value record this version cannot read");
		}
		int codecIdOffset = buffer.position();
		buffer.position(codecIdOffset + codecIdLength);
		boolean signed = (flags & SIGNED) != 0;
		int keyIdOffset = buffer.position() + 1;
		int keyIdLength = 0;
		if (signed) {
			if (!buffer.hasRemaining()) {
				return foreign("a value record that is cut short");
			}
			keyIdLength = Byte.toUnsignedInt(buffer.get());
			if (buffer.remaining() < keyIdLength) {
				return foreign("a value record that is cut short");
			}
			buffer.position(keyIdOffset + keyIdLength);
		}
		int end = bytes.length - (signed ? SIGNATURE_LENGTH : 0);
		if (end - buffer.position() < 3 * Long.BYTES) {
			return foreign("a value record that is cut short");
		}
		Unreadable unsigned = checkSignature(key, bytes, signed, keyIdOffset, keyIdLength, end);
		if (unsigned != null) {
			return unsigned;
		}
		if (!Arrays.equals(bytes, codecIdOffset, codecIdOffset + codecIdLength, this.codecId, 0,
				this.codecId.length)) {
			return new Unreadable(UnreadableReason.OTHER_FORMAT, "a value of codec '"
					+ printable(new String(bytes, codecIdOffset, codecIdLength, StandardCharsets.US_ASCII))
					+ "', where this engine reads '" + this.valueCodec.id() + "'");
		}
		long freshUntil = buffer.getLong();
		long staleUntil = buffer.getLong();
		long loadMillis = buffer.getLong();
		if ((flags & NULL_VALUE) != 0) {
			return (flags == NULL_VALUE || flags == (NULL_VALUE | SIGNED)) && buffer.position() == end
					? new Value(new Envelope(null, freshUntil, staleUntil, loadMillis))
					: foreign("a null value record with a payload");
		}
		byte[] payload;
		if ((flags & COMPRESSED) != 0) {
			if (end - buffer.position() < Integer.BYTES) {
				return foreign("a value record that is cut short");
			}
			int inflatedLength = buffer.getInt();
			if (inflatedLength < 0 || inflatedLength > MAX_INFLATED_BYTES) {
				return new Unreadable(UnreadableReason.REJECTED,
						"a compressed value that claims to inflate to " + inflatedLength + " bytes");
			}
			payload = Compression.inflate(bytes, buffer.position(), end - buffer.position(), inflatedLength);
			if (payload == null) {
				return new Unreadable(UnreadableReason.UNDECODABLE, "a compressed value that does not inflate");
			}
		}
		else {
			payload = Arrays.copyOfRange(bytes, buffer.position(), end);
		}
		try {
			Object value = this.valueCodec.decode(payload, declaredType);
			return new Value(new Envelope(value, freshUntil, staleUntil, loadMillis));
		}
		catch (ValueRejectedException ex) {
			return new Unreadable(UnreadableReason.REJECTED, printable(ex.getMessage()));
		}
		catch (RuntimeException ex) {
			// The value codec's own failure, for bytes it did not write or a class that changed.
			return new Unreadable(UnreadableReason.UNDECODABLE, printable(ex.getMessage()));
		}
	}

	private @Nullable Unreadable checkSignature(String key, byte[] bytes, boolean signed, int keyIdOffset,
			int keyIdLength, int end) {
		SigningKey signing = this.signingKey;
		if (signing == null) {
			return null;
		}
		if (!signed) {
			return new Unreadable(UnreadableReason.BAD_SIGNATURE, "an unsigned value, where values must be signed");
		}
		byte[] expectedId = signing.idBytes();
		if (!Arrays.equals(bytes, keyIdOffset, keyIdOffset + keyIdLength, expectedId, 0, expectedId.length)) {
			return new Unreadable(UnreadableReason.BAD_SIGNATURE, "a value signed under key id '"
					+ printable(new String(bytes, keyIdOffset, keyIdLength, StandardCharsets.UTF_8))
					+ "', where this engine's is '" + signing.id() + "'");
		}
		byte[] expected = signing.sign(key, bytes, end);
		if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, end, end + SIGNATURE_LENGTH))) {
			return new Unreadable(UnreadableReason.BAD_SIGNATURE,
					"a value whose signature does not match its bytes and key");
		}
		return null;
	}

	private static Unreadable foreign(String detail) {
		return new Unreadable(UnreadableReason.FOREIGN, detail);
	}

	// Details may quote the stored bytes (a key id, a class name a stream asked for): they go
	// into log lines, so nothing in them may break a line or run on.
	static String printable(@Nullable String text) {
		if (text == null) {
			return "";
		}
		StringBuilder printable = new StringBuilder(Math.min(text.length(), MAX_DETAIL_LENGTH));
		for (int i = 0; i < text.length() && printable.length() < MAX_DETAIL_LENGTH; i++) {
			char c = text.charAt(i);
			printable.append((c < 0x20 || (c >= 0x7f && c < 0xa0) || Character.isSurrogate(c)) ? '?' : c);
		}
		return (text.length() > MAX_DETAIL_LENGTH) ? printable + "..." : printable.toString();
	}

	private static byte[] codecId(ValueCodec codec) {
		String id = codec.id();
		byte[] bytes = id.getBytes(StandardCharsets.US_ASCII);
		if (bytes.length < 1 || bytes.length > 255 || !id.chars().allMatch((c) -> c > 0x20 && c < 0x7f)) {
			throw new IllegalArgumentException("A codec id takes 1 to 255 printable ASCII characters, not '" + id
					+ "'");
		}
		return bytes;
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
	public sealed interface Content permits Lease, Value, Unreadable {
	}

	/**
	 * A lease: a caller computes the key's value.
	 * @param token the holder's token
	 * @param estimate what the holder expects of its load; {@link LoadEstimate#UNKNOWN} for a
	 * lease that carries none, as leases of earlier versions do
	 * @param holder the instance that took the lease, as it names itself; {@code null} for a
	 * lease that names none, as leases of earlier versions do, or none this version reads
	 */
	public record Lease(String token, LoadEstimate estimate, @Nullable String holder) implements Content {

		/** A lease that carries no load estimate and names no holder. */
		public Lease(String token) {
			this(token, LoadEstimate.UNKNOWN);
		}

		/** A lease that names no holder. */
		public Lease(String token, LoadEstimate estimate) {
			this(token, estimate, null);
		}

	}

	/**
	 * A value and its metadata.
	 * @param envelope the value
	 */
	public record Value(Envelope envelope) implements Content {
	}

	/**
	 * Bytes this engine does not read.
	 * @param reason why
	 * @param detail what they are, printable, for a log line
	 */
	public record Unreadable(UnreadableReason reason, String detail) implements Content {
	}

	/** Builds a {@link RecordCodec}. */
	public static final class Builder {

		private final ValueCodec valueCodec;

		private @Nullable SigningKey signingKey;

		private int compressAbove = -1;

		private @Nullable String holder;

		private Builder(ValueCodec valueCodec) {
			this.valueCodec = valueCodec;
		}

		/** Signs every value with {@code signingKey}, and reads only values it signed; {@code null} for neither. */
		public Builder signingKey(@Nullable SigningKey signingKey) {
			this.signingKey = signingKey;
			return this;
		}

		/** Deflates payloads longer than {@code bytes}; a negative number for never, the default. */
		public Builder compressAbove(int bytes) {
			this.compressAbove = bytes;
			return this;
		}

		/**
		 * Names this instance in every lease it encodes, so that the callers that wait for
		 * one of its loads can say whose load it was; {@code null} names none, the default.
		 * @throws IllegalArgumentException if {@code holder} is empty, takes more than
		 * {@value RecordCodec#MAX_HOLDER_BYTES} bytes of UTF-8 or has control characters
		 */
		public Builder holder(@Nullable String holder) {
			if (holder != null && !isHolderName(holder)) {
				throw new IllegalArgumentException("A lease holder's name takes 1 to " + MAX_HOLDER_BYTES
						+ " bytes of UTF-8 without control characters, not '" + printable(holder) + "'");
			}
			this.holder = holder;
			return this;
		}

		/** @throws IllegalArgumentException if the value codec's id is not 1 to 255 printable ASCII characters */
		public RecordCodec build() {
			return new RecordCodec(this);
		}

	}

}
