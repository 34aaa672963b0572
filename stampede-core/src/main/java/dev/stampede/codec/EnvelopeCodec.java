package dev.stampede.codec;

import java.nio.ByteBuffer;

import dev.stampede.StampedeSerializationException;
import dev.stampede.Envelope;
import org.jspecify.annotations.Nullable;

/**
 * Binary form of an {@link Envelope}: a magic byte and a format version, so that
 * foreign or older bytes are recognised as such, then flags, fresh-until,
 * stale-until, load time and the value's bytes.
 */
public final class EnvelopeCodec {

	/** First byte of every envelope; backends may use other first bytes for their own records. */
	public static final byte MAGIC = 'S';

	private static final byte FORMAT = 1;

	private static final byte NULL_VALUE = 1;

	private static final int HEADER = 1 + 1 + 1 + Long.BYTES + Long.BYTES + Long.BYTES;

	private final ValueCodec valueCodec;

	public EnvelopeCodec(ValueCodec valueCodec) {
		this.valueCodec = valueCodec;
	}

	/**
	 * Encodes an envelope.
	 * @throws StampedeSerializationException if the value cannot be encoded
	 */
	public byte[] encode(Envelope envelope) {
		Object value = envelope.value();
		byte[] payload = (value != null) ? this.valueCodec.encode(value) : new byte[0];
		return ByteBuffer.allocate(HEADER + payload.length)
			.put(MAGIC)
			.put(FORMAT)
			.put((value != null) ? 0 : NULL_VALUE)
			.putLong(envelope.freshUntil())
			.putLong(envelope.staleUntil())
			.putLong(envelope.loadMillis())
			.put(payload)
			.array();
	}

	/**
	 * Decodes bytes written by {@link #encode}.
	 * @return the envelope, or {@code null} if the bytes are not an envelope this codec can read
	 */
	public @Nullable Envelope decode(byte[] bytes) {
		if (bytes.length < HEADER || bytes[0] != MAGIC || bytes[1] != FORMAT) {
			return null;
		}
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		buffer.position(2);
		boolean isNull = buffer.get() == NULL_VALUE;
		long freshUntil = buffer.getLong();
		long staleUntil = buffer.getLong();
		long loadMillis = buffer.getLong();
		if (isNull) {
			return new Envelope(null, freshUntil, staleUntil, loadMillis);
		}
		byte[] payload = new byte[buffer.remaining()];
		buffer.get(payload);
		try {
			return new Envelope(this.valueCodec.decode(payload), freshUntil, staleUntil, loadMillis);
		}
		catch (StampedeSerializationException ex) {
			return null;
		}
	}

}
