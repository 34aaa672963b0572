package dev.stampede.codec;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.stampede.Envelope;
import dev.stampede.StampedeSerializationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RecordCodecTest {

	private final RecordCodec codec = new RecordCodec(new JdkSerializationCodec(null));

	@Test
	void valuesAndTheirMetadataRoundTrip() {
		Envelope envelope = new Envelope(List.of("a", "b"), 1_700_000_000_000L, 1_700_000_060_000L, 250);
		assertThat(this.codec.decode(this.codec.encodeValue(envelope))).isEqualTo(new RecordCodec.Value(envelope));
	}

	@Test
	void nullRoundTrips() {
		Envelope envelope = new Envelope(null, 5, 5, 1);
		assertThat(this.codec.decode(this.codec.encodeValue(envelope))).isEqualTo(new RecordCodec.Value(envelope));
	}

	@Test
	void foreignOrCorruptBytesAreNotAnEnvelope() {
		assertThat(this.codec.decode("written by someone else".getBytes())).isNull();
		assertThat(this.codec.decode(new byte[0])).isNull();
		byte[] corrupt = this.codec.encodeValue(new Envelope("value", 5, 5, 1));
		int javaStreamMagic = RecordCodec.HEADER_LENGTH + 1 + 3 * Long.BYTES;
		assertThat(corrupt[javaStreamMagic]).isEqualTo((byte) 0xAC);
		corrupt[javaStreamMagic] ^= 0x5a;
		assertThat(this.codec.decode(corrupt)).isNull();
	}

	@Test
	void aValueThatIsNotSerializableIsReportedWithItsType() {
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> this.codec.encodeValue(new Envelope(new Object(), 5, 5, 1)))
			.withMessageContaining("java.lang.Object")
			.withMessageContaining("java.io.Serializable");
	}

	@Test
	void aSerializableValueWithAFieldThatIsNotIsReportedWithTheFieldsType() {
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> this.codec.encodeValue(new Envelope(new Holder(new Thread()), 5, 5, 1)))
			.withMessageContaining("java.lang.Thread");
	}

	@Test
	void leasesRoundTripTheirHoldersToken() {
		for (String token : List.of("engine-1", "", "jvm-ä-✓-" + "x".repeat(1000))) {
			assertThat(this.codec.decode(this.codec.encodeLease(token))).isEqualTo(new RecordCodec.Lease(token));
		}
	}

	@Test
	void aLeaseWithFieldsThisVersionDoesNotKnowStillReadsAsThatLease() {
		byte[] lease = this.codec.encodeLease("holder");
		ByteArrayOutputStream withFields = new ByteArrayOutputStream();
		withFields.writeBytes(lease);
		withFields.writeBytes(field(0x10, ByteBuffer.allocate(8).putLong(1_700_000_000_000L).array()));
		withFields.writeBytes(field(0x11, new byte[0]));
		withFields.writeBytes(field(0xFF, "jvm-7@host".getBytes(StandardCharsets.UTF_8)));
		assertThat(this.codec.decode(withFields.toByteArray())).isEqualTo(new RecordCodec.Lease("holder"));
	}

	@Test
	void aLeaseWhoseFieldsRunPastItsEndIsNotALease() {
		byte[] lease = this.codec.encodeLease("holder");
		byte[] field = field(0x10, new byte[8]);
		for (int cut = 1; cut < field.length; cut++) {
			byte[] truncated = concat(lease, Arrays.copyOf(field, cut));
			assertThat(this.codec.decode(truncated)).as("field cut after %d bytes", cut).isNull();
		}
	}

	@Test
	void aTokenTooLongForItsLengthFieldIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encodeLease("x".repeat(65536)))
			.withMessageContaining("65535");
	}

	@Test
	void everyRecordStartsWithTheMagicNumberTheFormatVersionAndItsKind() {
		byte[] prefix = RecordCodec.formatPrefix();
		assertThat(prefix).containsExactly(0x89, 'S', 'T', 'P', 1);
		byte[] lease = this.codec.encodeLease("holder");
		byte[] value = this.codec.encodeValue(new Envelope("value", 5, 5, 1));
		assertThat(Arrays.copyOf(lease, prefix.length)).isEqualTo(prefix);
		assertThat(Arrays.copyOf(value, prefix.length)).isEqualTo(prefix);
		assertThat(lease[prefix.length]).isEqualTo((byte) 'L');
		assertThat(value[prefix.length]).isEqualTo((byte) 'V');
	}

	@Test
	void everyValueWriteHasItsOwnStamp() {
		Envelope envelope = new Envelope("same value", 5, 5, 1);
		Set<Long> stamps = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			long stamp = RecordCodec.stamp(this.codec.encodeValue(envelope));
			assertThat(stamp).isNotEqualTo(RecordCodec.UNSTAMPED);
			stamps.add(stamp);
		}
		assertThat(stamps).hasSize(1000);
	}

	@Test
	void aLeasesStampFollowsFromItsTokenAlone() {
		assertThat(RecordCodec.stamp(this.codec.encodeLease("holder-1"))).isEqualTo(RecordCodec.leaseStamp("holder-1"))
			.isEqualTo(RecordCodec.stamp(new RecordCodec(new JdkSerializationCodec(null)).encodeLease("holder-1")));
		Set<Long> stamps = new HashSet<>();
		for (int i = 0; i < 100_000; i++) {
			stamps.add(RecordCodec.leaseStamp("engine-" + i));
		}
		assertThat(stamps).as("distinct tokens, distinct stamps").hasSize(100_000);
	}

	@Test
	void bytesThatAreNotARecordOfThisFormatHaveNoStamp() {
		assertThat(RecordCodec.stamp(new byte[0])).isEqualTo(RecordCodec.UNSTAMPED);
		assertThat(RecordCodec.stamp("written by someone else".getBytes())).isEqualTo(RecordCodec.UNSTAMPED);
		byte[] value = this.codec.encodeValue(new Envelope("value", 5, 5, 1));
		assertThat(RecordCodec.stamp(Arrays.copyOf(value, RecordCodec.HEADER_LENGTH - 1)))
			.isEqualTo(RecordCodec.UNSTAMPED);
		value[RecordCodec.formatPrefix().length - 1] = 2;
		assertThat(RecordCodec.stamp(value)).isEqualTo(RecordCodec.UNSTAMPED);
	}

	@Test
	void noForeignBytesReadAsARecordWhateverTheirFirstByteOrLength() {
		List<byte[]> foreign = new ArrayList<>();
		for (int first = 0; first < 256; first++) {
			foreign.add(new byte[] { (byte) first });
			foreign.add(concat(new byte[] { (byte) first }, "written by another program".getBytes()));
			foreign.add(concat(new byte[] { (byte) first }, "holder".getBytes()));
		}
		foreign.add(new byte[0]);
		byte[] lease = this.codec.encodeLease("holder");
		byte[] value = this.codec.encodeValue(new Envelope("value", 5, 5, 1));
		for (int length = 1; length < RecordCodec.HEADER_LENGTH + 2; length++) {
			foreign.add(Arrays.copyOf(lease, length));
			foreign.add(Arrays.copyOf(value, length));
		}
		for (int length = RecordCodec.HEADER_LENGTH; length < RecordCodec.HEADER_LENGTH + 1 + 3 * Long.BYTES; length++) {
			foreign.add(Arrays.copyOf(value, length));
		}
		foreign.add(Arrays.copyOf(lease, lease.length - 1));
		foreign.add(withByte(lease, RecordCodec.formatPrefix().length - 1, 2));
		foreign.add(withByte(value, RecordCodec.formatPrefix().length - 1, 2));
		foreign.add(withByte(value, RecordCodec.formatPrefix().length - 1, 0));
		foreign.add(withByte(lease, RecordCodec.formatPrefix().length, 'X'));
		foreign.add(withByte(value, RecordCodec.HEADER_LENGTH, 0x02));
		foreign.add(concat(this.codec.encodeValue(new Envelope(null, 5, 5, 1)), new byte[] { 0 }));
		for (byte[] bytes : foreign) {
			assertThat(this.codec.decode(bytes)).as("%s", Arrays.toString(bytes)).isNull();
		}
	}

	private static byte[] field(int tag, byte[] content) {
		return ByteBuffer.allocate(3 + content.length)
			.put((byte) tag)
			.putShort((short) content.length)
			.put(content)
			.array();
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

	private static byte[] withByte(byte[] bytes, int index, int value) {
		byte[] changed = bytes.clone();
		changed[index] = (byte) value;
		return changed;
	}

	record Holder(Object content) implements java.io.Serializable {
	}

}
