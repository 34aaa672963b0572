package dev.stampede.autoconfigure;

import java.time.Duration;

import dev.stampede.CacheEvent;
import dev.stampede.CacheStats;
import dev.stampede.Envelope;
import dev.stampede.UnreadableReason;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.test.CodecContract.PlantedGadget;
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

	@Test
	void anObjectOfAClassOutsideTheAllowedPackagesPlantedUnderAProtectedKeyIsNeverDeserialized() throws Exception {
		long id = nextId();
		// Another engine on the same store writes it, as any program that can write to the cache could.
		String key = this.stampede.inspection().backendKey("products", id);
		StampedeBackend backend = this.stampede.inspection().backend();
		assertThat(backend.tryLease(key, Slot.EMPTY, "planter", Duration.ofSeconds(2))).isTrue();
		long now = System.currentTimeMillis();
		Envelope planted = new Envelope(new PlantedGadget("touch /tmp/pwned"), now + 60_000, now + 60_000, 1);
		assertThat(backend.fulfilLease("products", key, "planter", planted, Duration.ofMinutes(1))).isTrue();
		PlantedGadget.forget();
		CacheStats stats = this.stampede.inspection().stats("products");
		long rejected = stats.count(UnreadableReason.REJECTED);
		long unreadable = stats.count(CacheEvent.UNREADABLE);
		int before = this.catalog.calls("product");
		assertThat(this.catalog.product(id)).isEqualTo("product-" + id);
		assertThat(PlantedGadget.readObjectRan()).isFalse();
		assertThat(this.catalog.calls("product") - before).isEqualTo(1);
		assertThat(stats.count(UnreadableReason.REJECTED) - rejected).isEqualTo(1);
		assertThat(stats.count(CacheEvent.UNREADABLE) - unreadable).isEqualTo(1);
		assertThat(this.catalog.product(id)).isEqualTo("product-" + id);
		assertThat(this.catalog.calls("product") - before).as("the loaded value replaced the planted one").isEqualTo(1);
	}

}
