package dev.stampede.codec;

import java.io.NotSerializableException;
import java.io.Serializable;

import dev.stampede.StampedeSerializationException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.serializer.support.DeserializingConverter;
import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.core.serializer.support.SerializingConverter;

/**
 * The default codec: Java serialization, reading classes through a given class
 * loader so that applications with their own loader (devtools, servers) can read
 * what they wrote.
 */
public final class JdkSerializationCodec implements ValueCodec {

	private final SerializingConverter serializer = new SerializingConverter();

	private final DeserializingConverter deserializer;

	/** Creates a codec that resolves classes through {@code classLoader}, or the default loader if {@code null}. */
	public JdkSerializationCodec(@Nullable ClassLoader classLoader) {
		this.deserializer = (classLoader != null) ? new DeserializingConverter(classLoader)
				: new DeserializingConverter();
	}

	@Override
	public byte[] encode(Object value) {
		if (!(value instanceof Serializable)) {
			throw notSerializable(value.getClass().getName(), null);
		}
		try {
			return this.serializer.convert(value);
		}
		catch (SerializationFailedException ex) {
			NotSerializableException cause = findNotSerializable(ex);
			throw notSerializable((cause != null) ? cause.getMessage() : value.getClass().getName(), ex);
		}
	}

	@Override
	public Object decode(byte[] bytes) {
		try {
			return this.deserializer.convert(bytes);
		}
		catch (SerializationFailedException ex) {
			throw new StampedeSerializationException("Cannot deserialize a cached value: " + ex.getMessage(), ex);
		}
	}

	private static StampedeSerializationException notSerializable(@Nullable String type, @Nullable Throwable cause) {
		return new StampedeSerializationException("Type " + type + " is not serializable, so the default "
				+ "codec (Java serialization) cannot cache it. Make it implement java.io.Serializable, or define a "
				+ "ValueCodec bean that can encode it", cause);
	}

	private static @Nullable NotSerializableException findNotSerializable(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof NotSerializableException nse) {
				return nse;
			}
		}
		return null;
	}

}
