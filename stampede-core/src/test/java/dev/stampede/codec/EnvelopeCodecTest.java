package dev.stampede.codec;

import java.util.List;

import dev.stampede.StampedeSerializationException;
import dev.stampede.Envelope;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EnvelopeCodecTest {

	private final EnvelopeCodec codec = new EnvelopeCodec(new JdkSerializationCodec(null));

	@Test
	void valuesAndTheirMetadataRoundTrip() {
		Envelope envelope = new Envelope(List.of("a", "b"), 1_700_000_000_000L, 1_700_000_060_000L, 250);
		assertThat(this.codec.decode(this.codec.encode(envelope))).isEqualTo(envelope);
	}

	@Test
	void nullRoundTrips() {
		Envelope envelope = new Envelope(null, 5, 5, 1);
		assertThat(this.codec.decode(this.codec.encode(envelope))).isEqualTo(envelope);
	}

	@Test
	void foreignOrCorruptBytesAreNotAnEnvelope() {
		assertThat(this.codec.decode("written by someone else".getBytes())).isNull();
		assertThat(this.codec.decode(new byte[0])).isNull();
		byte[] corrupt = this.codec.encode(new Envelope("value", 5, 5, 1));
		int javaStreamMagic = 1 + 1 + 1 + 3 * Long.BYTES;
		assertThat(corrupt[javaStreamMagic]).isEqualTo((byte) 0xAC);
		corrupt[javaStreamMagic] ^= 0x5a;
		assertThat(this.codec.decode(corrupt)).isNull();
	}

	@Test
	void aValueThatIsNotSerializableIsReportedWithItsType() {
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> this.codec.encode(new Envelope(new Object(), 5, 5, 1)))
			.withMessageContaining("java.lang.Object")
			.withMessageContaining("java.io.Serializable");
	}

	@Test
	void aSerializableValueWithAFieldThatIsNotIsReportedWithTheFieldsType() {
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> this.codec.encode(new Envelope(new Holder(new Thread()), 5, 5, 1)))
			.withMessageContaining("java.lang.Thread");
	}

	record Holder(Object content) implements java.io.Serializable {
	}

}
