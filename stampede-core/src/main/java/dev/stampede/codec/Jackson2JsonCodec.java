package dev.stampede.codec;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The {@link JsonCodec json codec} for applications on Jackson 2, as Spring Boot 3
 * applications are: the same bytes, read into the caller's declared type, with no
 * class name written. Its mapper must not enable default typing; the one this codec
 * makes by default does not, and registers the modules on the class path (Boot 3's
 * JSON starter brings {@code java.time}, {@code Optional} and parameter names).
 * <p>
 * Needs {@code com.fasterxml.jackson.core:jackson-databind} on the class path, which
 * Stampede's core module does not bring.
 */
public final class Jackson2JsonCodec extends DeclaredTypeJson {

	private final ObjectMapper mapper;

	private final Map<Type, ObjectReader> readers = new ConcurrentHashMap<>();

	/** Creates a codec with a mapper of Jackson's defaults and the modules on the class path. */
	public Jackson2JsonCodec() {
		this(JsonMapper.builder().findAndAddModules().build());
	}

	/**
	 * Creates a codec with the given mapper, such as the application's, with its modules.
	 * @param mapper a mapper without default typing: with it, the bytes would name the
	 * classes to instantiate
	 */
	public Jackson2JsonCodec(ObjectMapper mapper) {
		this.mapper = mapper;
	}

	@Override
	public byte[] encode(Object value) {
		try {
			return this.mapper.writeValueAsBytes(value);
		}
		catch (JsonProcessingException ex) {
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
		catch (JsonProcessingException ex) {
			throw unreadable(declaredType, ex.getOriginalMessage(), ex);
		}
		catch (IOException ex) {
			throw unreadable(declaredType, ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return "Jackson2JsonCodec";
	}

}
