package dev.stampede.codec;

import dev.stampede.StampedeSerializationException;

/**
 * Turns cached values into bytes and back, for backends that store bytes. Never sees
 * {@code null}: Stampede marks null values itself.
 */
public interface ValueCodec {

	/**
	 * Encodes a value.
	 * @throws StampedeSerializationException if the value cannot be encoded
	 */
	byte[] encode(Object value);

	/**
	 * Decodes bytes written by {@link #encode}.
	 * @throws StampedeSerializationException if the bytes cannot be decoded
	 */
	Object decode(byte[] bytes);

}
