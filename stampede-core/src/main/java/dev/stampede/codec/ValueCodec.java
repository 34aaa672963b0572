package dev.stampede.codec;

import java.lang.reflect.Type;

import dev.stampede.StampedeSerializationException;

/**
 * Turns cached values into bytes and back, for backends that store bytes. Never sees
 * {@code null}: Stampede marks null values itself.
 * <p>
 * Whoever can write to a shared cache chooses the bytes a codec decodes, so a codec
 * must not let them choose what it instantiates: it reads no more than the type the
 * caller declared needs ({@link #decode}).
 */
public interface ValueCodec {

	/**
	 * Names this codec and the version of its format, such as {@code java/1}. Every value
	 * record carries it, and a value written under another id is read as a miss, so that
	 * engines with different codecs can share a backend while a change rolls out. At most
	 * 255 ASCII characters; the default is the implementation's class name.
	 */
	default String id() {
		return getClass().getName();
	}

	/**
	 * Whether values of {@code declaredType} can be encoded at all, judged from the type
	 * alone so that a call site that could never be cached is named at start-up. A type
	 * that may hold values of several classes (an interface, {@code Object}) can.
	 */
	default boolean canEncode(Type declaredType) {
		return true;
	}

	/**
	 * Encodes a value.
	 * @throws StampedeSerializationException if the value cannot be encoded
	 */
	byte[] encode(Object value);

	/**
	 * Decodes bytes written by {@link #encode} into a value of the type a caller expects.
	 * @param declaredType what the caller declared it returns: a method's generic return
	 * type (the content of an {@code Optional} or a future), or {@code Object} when it
	 * named none. It bounds what the codec reads, not what it returns: the engine checks
	 * the result's class itself.
	 * @throws ValueRejectedException if the bytes name a class or a size the codec refuses
	 * to read for that type, before any of it was instantiated
	 * @throws StampedeSerializationException if the bytes cannot be decoded
	 */
	Object decode(byte[] bytes, Type declaredType);

}
