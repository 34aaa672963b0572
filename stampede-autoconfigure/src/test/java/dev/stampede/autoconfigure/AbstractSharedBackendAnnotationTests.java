package dev.stampede.autoconfigure;

import java.time.Duration;

import dev.stampede.CacheStats;
import dev.stampede.Envelope;
import dev.stampede.Outcome;
import dev.stampede.StampedeSerializationException;
import dev.stampede.UnreadableReason;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.test.CodecContract.PlantedGadget;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
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
		long unreadable = stats.count(Outcome.UNREADABLE);
		int before = this.catalog.calls("product");
		assertThat(this.catalog.product(id)).isEqualTo("product-" + id);
		assertThat(PlantedGadget.readObjectRan()).isFalse();
		assertThat(this.catalog.calls("product") - before).isEqualTo(1);
		assertThat(stats.count(UnreadableReason.REJECTED) - rejected).isEqualTo(1);
		assertThat(stats.count(Outcome.UNREADABLE) - unreadable).isEqualTo(1);
		assertThat(this.catalog.product(id)).isEqualTo("product-" + id);
		assertThat(this.catalog.calls("product") - before).as("the loaded value replaced the planted one").isEqualTo(1);
	}

}
