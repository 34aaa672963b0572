package dev.stampede.codec;

import java.io.Serializable;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON through Jackson 3, read into the caller's declared generic type: records,
 * classes that are not {@link Serializable}, {@code List<Product>}, maps,
 * {@code Optional}, {@code java.time}. No class name is written into the bytes, so
 * the bytes cannot choose what is instantiated: the declared type does. Its mapper
 * must not enable default typing; the one this codec makes by default does not.
 * <p>
 * A caller that declares no type ({@code Object}, as programmatic calls without a
 * typed call site do) gets a miss rather than a map in place of its value: JSON alone
 * does not say which class it held.
 * <p>
 * Needs {@code tools.jackson.core:jackson-databind} on the class path, which
 * Stampede's core module does not bring. Its bytes are those of
 * {@link Jackson2JsonCodec}, so applications on either Jackson share values.
 */
public final class JsonCodec extends DeclaredTypeJson {

	/** The id of this codec's format. */
	public static final String ID = "json/1";

	private final JsonMapper mapper;

	private final Map<Type, ObjectReader> readers = new ConcurrentHashMap<>();

	/** Creates a codec with a mapper of Jackson's defaults. */
	public JsonCodec() {
		this(JsonMapper.builder().build());
	}

	/**
	 * Creates a codec with the given mapper, such as the application's, with its modules.
	 * @param mapper a mapper without default typing: with it, the bytes would name the
	 * classes to instantiate
	 */
	public JsonCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public byte[] encode(Object value) {
		try {
			return this.mapper.writeValueAsBytes(value);
		}
		catch (JacksonException ex) {
			throw unwritable(value, ex.getOriginalMessage(), ex);
		}
	}

	@Override
	Object read(byte[] bytes, Type declaredType) {
		try {
			return this.readers.computeIfAbsent(declaredType,
					(type) -> this.mapper.readerFor(this.mapper.constructType(type)))
				.readValue(bytes);
		}
		catch (JacksonException ex) {
			throw unreadable(declaredType, ex.getOriginalMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return "JsonCodec";
	}

}
