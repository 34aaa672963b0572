package dev.stampede.codec;

import java.io.Serializable;
import java.lang.reflect.Type;

import dev.stampede.StampedeSerializationException;

import org.springframework.core.ResolvableType;

/**
 * What the JSON codecs of both Jackson generations share: one format id, so that
 * applications on either generation read each other's values, and reading only into
 * a declared type.
 */
abstract sealed class DeclaredTypeJson implements ValueCodec permits JsonCodec, Jackson2JsonCodec {

	@Override
	public final String id() {
		return JsonCodec.ID;
	}

	@Override
	public final Object decode(byte[] bytes, Type declaredType) {
		Class<?> raw = ResolvableType.forType(declaredType).toClass();
		if (raw == Object.class || raw == Serializable.class) {
			throw new StampedeSerializationException("The json codec reads values into their declared type, and "
					+ "the caller declared none; give it one with Stampede.callSite(cache, overrides, origin, type)",
					null);
		}
		Object value = read(bytes, declaredType);
		if (value == null) {
			throw new StampedeSerializationException("The cached JSON is null, and null values are not written "
					+ "as JSON", null);
		}
		return value;
	}

	/**
	 * Reads JSON into a declared type.
	 * @throws StampedeSerializationException if the bytes are not JSON of that type
	 */
	abstract Object read(byte[] bytes, Type declaredType);

	static StampedeSerializationException unwritable(Object value, String reason, Exception cause) {
		return new StampedeSerializationException(
				"Cannot write a " + value.getClass().getName() + " as JSON: " + reason, cause);
	}

	static StampedeSerializationException unreadable(Type declaredType, String reason, Exception cause) {
		return new StampedeSerializationException(
				"Cannot read a cached value as " + declaredType.getTypeName() + ": " + reason, cause);
	}

}
