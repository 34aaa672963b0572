package dev.stampede.autoconfigure;

import dev.stampede.CacheEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The annotation tests, plus what only backends that store bytes do.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class AbstractSharedBackendAnnotationTests extends AbstractAnnotationTests {

	@Test
	void aValueThatCannotBeSerializedIsReturnedUncachedAndTheMethodIsNamedOnceWithTheFix(CapturedOutput output) {
		long id = nextId();
		long notStored = this.stampede.inspection().stats("unserializable").count(CacheEvent.NOT_STORED);
		assertThat(this.catalog.unserializable(id)).isEqualTo(new Catalog.NotSerializable(id));
		assertThat(this.catalog.unserializable(id)).isEqualTo(new Catalog.NotSerializable(id));
		assertThat(this.catalog.calls("unserializable")).isEqualTo(2);
		assertThat(this.stampede.inspection().stats("unserializable").count(CacheEvent.NOT_STORED) - notStored)
			.isEqualTo(2);
		String warning = "Returning the values of Catalog.unserializable(long) in cache 'unserializable' uncached";
		assertThat(output).contains(warning)
			.contains(Catalog.NotSerializable.class.getName())
			.contains("java.io.Serializable");
		assertThat(output.toString().split(java.util.regex.Pattern.quote(warning), -1)).hasSizeLessThanOrEqualTo(2);
	}

}
