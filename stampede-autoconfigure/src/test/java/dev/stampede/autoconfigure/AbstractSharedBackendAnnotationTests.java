package dev.stampede.autoconfigure;

import dev.stampede.StampedeSerializationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The annotation tests, plus what only backends that store bytes do.
 */
abstract class AbstractSharedBackendAnnotationTests extends AbstractAnnotationTests {

	@Test
	void aValueThatCannotBeSerializedFailsWithTheMethodAndTheType() {
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> this.catalog.unserializable(nextId()))
			.withMessageContaining("Catalog.unserializable(long)")
			.withMessageContaining(Catalog.NotSerializable.class.getName())
			.withMessageContaining("java.io.Serializable");
	}

}
