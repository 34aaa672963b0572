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
import dev.stampede.LoadEstimate;
import dev.stampede.StampedeSerializationException;
import dev.stampede.UnreadableReason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RecordCodecTest {

	private static final String KEY = "app:products@1:42";

	private static final SigningKey SIGNING_KEY = SigningKey.of("k1", "0123456789abcdef0123456789abcdef");

	private final RecordCodec codec = new RecordCodec(new JdkSerializationCodec(null));

	@Test
	void valuesAndTheirMetadataRoundTrip() {
		Envelope envelope = new Envelope(List.of("a", "b"), 1_700_000_000_000L, 1_700_000_060_000L, 250);
		assertThat(decode(this.codec, this.codec.encodeValue(KEY, envelope))).isEqualTo(new RecordCodec.Value(envelope));
	}

	@Test
	void nullRoundTrips() {
		Envelope envelope = new Envelope(null, 5, 5, 1);
		assertThat(decode(this.codec, this.codec.encodeValue(KEY, envelope))).isEqualTo(new RecordCodec.Value(envelope));
	}

	@Test
	void foreignOrCorruptBytesAreNotAnEnvelope() {
		assertThat(reason(this.codec, "written by someone else".getBytes())).isEqualTo(UnreadableReason.FOREIGN);
		assertThat(reason(this.codec, new byte[0])).isEqualTo(UnreadableReason.FOREIGN);
		byte[] corrupt = this.codec.encodeValue(KEY, new Envelope("value", 5, 5, 1));
		int javaStreamMagic = javaStreamOffset(corrupt);
		assertThat(corrupt[javaStreamMagic]).isEqualTo((byte) 0xAC);
		corrupt[javaStreamMagic] ^= 0x5a;
		assertThat(reason(this.codec, corrupt)).isEqualTo(UnreadableReason.UNDECODABLE);
	}

	@Test
	void aValueOfTheFirstLayoutOrOfAnotherCodecIsAnotherFormat() {
		byte[] first = this.codec.encodeValue(KEY, new Envelope("value", 5, 5, 1));
		first[RecordCodec.formatPrefix().length] = 'V';
		assertThat(reason(this.codec, first)).isEqualTo(UnreadableReason.OTHER_FORMAT);
		RecordCodec json = new RecordCodec(new JsonCodec());
		byte[] written = json.encodeValue(KEY, new Envelope("value", 5, 5, 1));
		assertThat(this.codec.decode(KEY, written, String.class)).isInstanceOfSatisfying(RecordCodec.Unreadable.class,
				(unreadable) -> assertThat(unreadable.detail()).contains("json/1").contains("java/1"));
		assertThat(json.decode(KEY, written, String.class))
			.isEqualTo(new RecordCodec.Value(new Envelope("value", 5, 5, 1)));
	}

	@Test
	void aValueThatIsNotSerializableIsReportedWithItsType() {
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> this.codec.encodeValue(KEY, new Envelope(new Object(), 5, 5, 1)))
			.withMessageContaining("java.lang.Object")
			.withMessageContaining("java.io.Serializable");
	}

	@Test
	void aSerializableValueWithAFieldThatIsNotIsReportedWithTheFieldsType() {
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> this.codec.encodeValue(KEY, new Envelope(new Holder(new Thread()), 5, 5, 1)))
			.withMessageContaining("java.lang.Thread");
	}

	@Test
	void leasesRoundTripTheirHoldersToken() {
		for (String token : List.of("engine-1", "", "jvm-ä-✓-" + "x".repeat(1000))) {
			assertThat(decode(this.codec, this.codec.encodeLease(token))).isEqualTo(new RecordCodec.Lease(token));
			assertThat(this.codec.leaseToken(this.codec.encodeLease(token))).isEqualTo(token);
		}
		assertThat(this.codec.leaseToken(this.codec.encodeValue(KEY, new Envelope("value", 5, 5, 1)))).isNull();
	}

	@Test
	void aLeaseWithFieldsThisVersionDoesNotKnowStillReadsAsThatLease() {
		byte[] lease = this.codec.encodeLease("holder");
		ByteArrayOutputStream withFields = new ByteArrayOutputStream();
		withFields.writeBytes(lease);
		withFields.writeBytes(field(0x10, ByteBuffer.allocate(8).putLong(1_700_000_000_000L).array()));
		withFields.writeBytes(field(0x11, new byte[0]));
		withFields.writeBytes(field(0xFF, "jvm-7@host".getBytes(StandardCharsets.UTF_8)));
		assertThat(decode(this.codec, withFields.toByteArray())).isEqualTo(new RecordCodec.Lease("holder"));
	}

	@Test
	void aLeaseWhoseFieldsRunPastItsEndIsNotALease() {
		byte[] lease = this.codec.encodeLease("holder");
		byte[] field = field(0x10, new byte[8]);
		for (int cut = 1; cut < field.length; cut++) {
			byte[] truncated = concat(lease, Arrays.copyOf(field, cut));
			assertThat(reason(this.codec, truncated)).as("field cut after %d bytes", cut)
				.isEqualTo(UnreadableReason.FOREIGN);
		}
	}

	@Test
	void aLeaseRoundTripsItsLoadEstimateAndKeepsTheStampOfItsToken() {
		LoadEstimate estimate = new LoadEstimate(1_250, 1_700_000_000_123L);
		byte[] lease = this.codec.encodeLease("holder", estimate);
		assertThat(decode(this.codec, lease)).isEqualTo(new RecordCodec.Lease("holder", estimate));
		assertThat(this.codec.leaseToken(lease)).isEqualTo("holder");
		assertThat(RecordCodec.stamp(lease)).isEqualTo(RecordCodec.leaseStamp("holder"));
		assertThat(decode(this.codec, this.codec.encodeLease("holder", new LoadEstimate(0, 7))))
			.isEqualTo(new RecordCodec.Lease("holder", new LoadEstimate(0, 7)));
	}

	@Test
	void aLeaseWrittenBeforeLeasesCarriedEstimatesReadsAsALeaseWithoutOne() {
		byte[] token = "holder".getBytes(StandardCharsets.UTF_8);
		byte[] earlier = ByteBuffer.allocate(RecordCodec.HEADER_LENGTH + 2 + token.length)
			.put(RecordCodec.formatPrefix())
			.put((byte) 'L')
			.putLong(RecordCodec.leaseStamp("holder"))
			.putShort((short) token.length)
			.put(token)
			.array();
		assertThat(decode(this.codec, earlier)).isEqualTo(new RecordCodec.Lease("holder", LoadEstimate.UNKNOWN));
		assertThat(this.codec.encodeLease("holder")).isEqualTo(earlier);
	}

	@Test
	void anEstimateNotAsThisVersionWritesItIsNoEstimateAndTheLeaseStands() {
		byte[] lease = this.codec.encodeLease("holder");
		byte[] shortField = concat(lease, field(1, new byte[8]));
		byte[] negative = concat(lease,
				field(1, ByteBuffer.allocate(16).putLong(-5).putLong(1_700_000_000_000L).array()));
		for (byte[] bytes : List.of(shortField, negative)) {
			assertThat(decode(this.codec, bytes)).isEqualTo(new RecordCodec.Lease("holder", LoadEstimate.UNKNOWN));
		}
	}

	@Test
	void aLeaseWhoseEstimateIsCutShortIsNotALease() {
		byte[] lease = this.codec.encodeLease("holder", new LoadEstimate(200, 1_700_000_000_000L));
		int withoutEstimate = this.codec.encodeLease("holder").length;
		for (int length = withoutEstimate + 1; length < lease.length; length++) {
			assertThat(reason(this.codec, Arrays.copyOf(lease, length))).as("cut to %d bytes", length)
				.isEqualTo(UnreadableReason.FOREIGN);
		}
	}

	@Test
	void aTokenTooLongForItsLengthFieldIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encodeLease("x".repeat(65536)))
			.withMessageContaining("65535");
	}

	@Test
	void aLeaseNamesItsHolderInAFieldThatReadersOfFormatOneSkip() {
		RecordCodec named = RecordCodec.builder(new JdkSerializationCodec(null)).holder("catalog@web-3:4711").build();
		LoadEstimate estimate = new LoadEstimate(180, 1_700_000_000_123L);
		byte[] lease = named.encodeLease("token", estimate);
		assertThat(decode(this.codec, lease)).isEqualTo(new RecordCodec.Lease("token", estimate, "catalog@web-3:4711"));
		assertThat(lease).as("an unnamed lease, then one more field")
			.isEqualTo(concat(this.codec.encodeLease("token", estimate),
					field(2, "catalog@web-3:4711".getBytes(StandardCharsets.UTF_8))));
		assertThat(RecordCodec.stamp(lease)).isEqualTo(RecordCodec.leaseStamp("token"));
		assertThat(decode(this.codec, named.encodeLease("token"))).isEqualTo(
				new RecordCodec.Lease("token", LoadEstimate.UNKNOWN, "catalog@web-3:4711"));
		assertThat(decode(named, this.codec.encodeLease("token", estimate))).as("a lease that names no holder")
			.isEqualTo(new RecordCodec.Lease("token", estimate, null));
	}

	@Test
	void aHolderNotAsThisVersionWritesItIsNoHolderAndTheLeaseStands() {
		LoadEstimate estimate = new LoadEstimate(180, 1_700_000_000_123L);
		byte[] lease = this.codec.encodeLease("token", estimate);
		List<byte[]> hostile = List.of(new byte[0], "x".repeat(256).getBytes(StandardCharsets.UTF_8),
				"x".repeat(65_535).getBytes(StandardCharsets.UTF_8), new byte[] { 'a', (byte) 0xC3, '(' },
				new byte[] { (byte) 0xC0, (byte) 0xAF }, new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
				new byte[] { (byte) 0xFF, (byte) 0xFE }, "web-3\nFAKE LOG LINE".getBytes(StandardCharsets.UTF_8),
				"\u001b[31mred".getBytes(StandardCharsets.UTF_8), "web\u0000".getBytes(StandardCharsets.UTF_8),
				"web-\u202e3".getBytes(StandardCharsets.UTF_8));
		for (byte[] holder : hostile) {
			assertThat(decode(this.codec, concat(lease, field(2, holder)))).as("holder %s", Arrays.toString(holder))
				.isEqualTo(new RecordCodec.Lease("token", estimate, null));
		}
		assertThat(decode(this.codec, concat(lease, field(2, "é".repeat(127).getBytes(StandardCharsets.UTF_8)))))
			.as("254 bytes of UTF-8")
			.isEqualTo(new RecordCodec.Lease("token", estimate, "é".repeat(127)));
	}

	@Test
	void aLeaseWhoseHolderIsCutShortIsNotALease() {
		byte[] lease = RecordCodec.builder(new JdkSerializationCodec(null)).holder("web-3:4711").build()
			.encodeLease("token");
		int withoutHolder = this.codec.encodeLease("token").length;
		for (int length = withoutHolder + 1; length < lease.length; length++) {
			assertThat(reason(this.codec, Arrays.copyOf(lease, length))).as("cut to %d bytes", length)
				.isEqualTo(UnreadableReason.FOREIGN);
		}
	}

	@Test
	void aHolderNameALeaseCannotCarryIsRejectedWhenTheCodecIsBuilt() {
		RecordCodec.Builder builder = RecordCodec.builder(new JdkSerializationCodec(null));
		for (String name : List.of("", "é".repeat(128), "web-3\n", "web\u0000", "web-\u202e3")) {
			assertThatIllegalArgumentException().as("'%s'", name)
				.isThrownBy(() -> builder.holder(name))
				.withMessageContaining("1 to 255 bytes of UTF-8");
		}
		assertThat(builder.holder(null).build().encodeLease("token")).isEqualTo(this.codec.encodeLease("token"));
	}

	@Test
	void everyRecordStartsWithTheMagicNumberTheFormatVersionAndItsKind() {
		byte[] prefix = RecordCodec.formatPrefix();
		assertThat(prefix).containsExactly(0x89, 'S', 'T', 'P', 1);
		byte[] lease = this.codec.encodeLease("holder");
		byte[] value = this.codec.encodeValue(KEY, new Envelope("value", 5, 5, 1));
		assertThat(Arrays.copyOf(lease, prefix.length)).isEqualTo(prefix);
		assertThat(Arrays.copyOf(value, prefix.length)).isEqualTo(prefix);
		assertThat(lease[prefix.length]).isEqualTo((byte) 'L');
		assertThat(value[prefix.length]).isEqualTo((byte) 'T');
	}

	@Test
	void aValueNamesItsCodecAfterItsFlags() {
		byte[] value = this.codec.encodeValue(KEY, new Envelope("value", 5, 5, 1));
		assertThat(value[RecordCodec.HEADER_LENGTH]).isZero();
		assertThat(value[RecordCodec.HEADER_LENGTH + 1]).isEqualTo((byte) 6);
		assertThat(new String(value, RecordCodec.HEADER_LENGTH + 2, 6, StandardCharsets.US_ASCII)).isEqualTo("java/1");
	}

	@Test
	void everyValueWriteHasItsOwnStamp() {
		Envelope envelope = new Envelope("same value", 5, 5, 1);
		Set<Long> stamps = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			long stamp = RecordCodec.stamp(this.codec.encodeValue(KEY, envelope));
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
		byte[] value = this.codec.encodeValue(KEY, new Envelope("value", 5, 5, 1));
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
		byte[] value = this.codec.encodeValue(KEY, new Envelope("value", 5, 5, 1));
		for (int length = 1; length < RecordCodec.HEADER_LENGTH + 2; length++) {
			foreign.add(Arrays.copyOf(lease, length));
			foreign.add(Arrays.copyOf(value, length));
		}
		for (int length = RecordCodec.HEADER_LENGTH; length < javaStreamOffset(value); length++) {
			foreign.add(Arrays.copyOf(value, length));
		}
		foreign.add(Arrays.copyOf(lease, lease.length - 1));
		byte[] named = RecordCodec.builder(new JdkSerializationCodec(null)).holder("web-3:4711").build()
			.encodeLease("holder");
		foreign.add(Arrays.copyOf(named, named.length - 1));
		foreign.add(withByte(named, named.length - "web-3:4711".length() - 1, 0xFF));
		foreign.add(withByte(lease, RecordCodec.formatPrefix().length - 1, 2));
		foreign.add(withByte(value, RecordCodec.formatPrefix().length - 1, 2));
		foreign.add(withByte(value, RecordCodec.formatPrefix().length - 1, 0));
		foreign.add(withByte(lease, RecordCodec.formatPrefix().length, 'X'));
		foreign.add(withByte(value, RecordCodec.HEADER_LENGTH, 0x08));
		foreign.add(withByte(value, RecordCodec.HEADER_LENGTH + 1, 0));
		foreign.add(concat(this.codec.encodeValue(KEY, new Envelope(null, 5, 5, 1)), new byte[] { 0 }));
		for (byte[] bytes : foreign) {
			assertThat(reason(this.codec, bytes)).as("%s", Arrays.toString(bytes)).isEqualTo(UnreadableReason.FOREIGN);
		}
	}

	@Test
	void aSignedValueReadsUnderItsKeyOnly() {
		RecordCodec signed = RecordCodec.builder(new JdkSerializationCodec(null)).signingKey(SIGNING_KEY).build();
		Envelope envelope = new Envelope("value", 5, 6, 1);
		byte[] record = signed.encodeValue(KEY, envelope);
		assertThat(decode(signed, record)).isEqualTo(new RecordCodec.Value(envelope));
		assertThat(signed.decode("app:products@1:43", record, Object.class))
			.isEqualTo(new RecordCodec.Unreadable(UnreadableReason.BAD_SIGNATURE,
					"a value whose signature does not match its bytes and key"));
		Envelope nothing = new Envelope(null, 5, 6, 1);
		assertThat(decode(signed, signed.encodeValue(KEY, nothing))).isEqualTo(new RecordCodec.Value(nothing));
	}

	@Test
	void anyByteFlippedInASignedValueMakesItABadSignatureBeforeAnythingIsDecoded() {
		RecordCodec signed = RecordCodec.builder(new CountingCodec()).signingKey(SIGNING_KEY).build();
		byte[] record = signed.encodeValue(KEY, new Envelope("value", 5, 6, 1));
		for (int i = 0; i < record.length; i++) {
			for (int bit = 0; bit < 8; bit++) {
				byte[] flipped = record.clone();
				flipped[i] ^= (byte) (1 << bit);
				assertThat(reason(signed, flipped)).as("bit %d of byte %d flipped", bit, i)
					.isIn(UnreadableReason.BAD_SIGNATURE, UnreadableReason.FOREIGN, UnreadableReason.OTHER_FORMAT);
			}
		}
		assertThat(CountingCodec.decoded).isZero();
	}

	@Test
	void aValueUnsignedOrSignedUnderAnotherKeyIdIsABadSignature() {
		RecordCodec signed = RecordCodec.builder(new JdkSerializationCodec(null)).signingKey(SIGNING_KEY).build();
		RecordCodec rotated = RecordCodec.builder(new JdkSerializationCodec(null))
			.signingKey(SigningKey.of("k2", "0123456789abcdef0123456789abcdef"))
			.build();
		Envelope envelope = new Envelope("value", 5, 6, 1);
		assertThat(reason(signed, this.codec.encodeValue(KEY, envelope))).isEqualTo(UnreadableReason.BAD_SIGNATURE);
		assertThat(signed.decode(KEY, rotated.encodeValue(KEY, envelope), Object.class))
			.isInstanceOfSatisfying(RecordCodec.Unreadable.class, (unreadable) -> {
				assertThat(unreadable.reason()).isEqualTo(UnreadableReason.BAD_SIGNATURE);
				assertThat(unreadable.detail()).contains("'k2'").contains("'k1'");
			});
	}

	@Test
	void anEngineWithoutAKeyReadsSignedValuesSoThatSigningCanBeTurnedOnOneEngineAtATime() {
		RecordCodec signed = RecordCodec.builder(new JdkSerializationCodec(null)).signingKey(SIGNING_KEY).build();
		Envelope envelope = new Envelope("value", 5, 6, 1);
		assertThat(decode(this.codec, signed.encodeValue(KEY, envelope))).isEqualTo(new RecordCodec.Value(envelope));
	}

	@Test
	void theSigningKeyIsNeverShown() {
		RecordCodec signed = RecordCodec.builder(new JdkSerializationCodec(null)).signingKey(SIGNING_KEY).build();
		assertThat(signed.toString()).contains("k1").doesNotContain("0123456789abcdef");
		assertThat(SIGNING_KEY.toString()).doesNotContain("0123456789abcdef");
		assertThatIllegalArgumentException().isThrownBy(() -> SigningKey.of("k1", "short secret"))
			.withMessageContaining("32")
			.withMessageNotContaining("short secret");
	}

	@Test
	void largeValuesAreCompressedAndReadBack() {
		RecordCodec compressing = RecordCodec.builder(new JdkSerializationCodec(null)).compressAbove(1024).build();
		Envelope large = new Envelope("abc".repeat(10_000), 5, 6, 1);
		byte[] record = compressing.encodeValue(KEY, large);
		assertThat(record.length).isLessThan(this.codec.encodeValue(KEY, large).length / 10);
		assertThat(record[RecordCodec.HEADER_LENGTH] & 2).isEqualTo(2);
		assertThat(decode(compressing, record)).isEqualTo(new RecordCodec.Value(large));
		assertThat(decode(this.codec, record)).as("read by an engine that does not compress")
			.isEqualTo(new RecordCodec.Value(large));
		Envelope small = new Envelope("abc", 5, 6, 1);
		assertThat(compressing.encodeValue(KEY, small)[RecordCodec.HEADER_LENGTH]).isZero();
	}

	@Test
	void aCompressedValueThatClaimsMoreThanItInflatesToOrTooMuchIsNotRead() {
		RecordCodec compressing = RecordCodec.builder(new JdkSerializationCodec(null)).compressAbove(0).build();
		byte[] record = compressing.encodeValue(KEY, new Envelope("abc".repeat(1000), 5, 6, 1));
		int lengthOffset = javaStreamOffset(record) - Integer.BYTES;
		int inflated = ByteBuffer.wrap(record).getInt(lengthOffset);
		byte[] longer = record.clone();
		ByteBuffer.wrap(longer).putInt(lengthOffset, inflated + 1);
		assertThat(reason(compressing, longer)).isEqualTo(UnreadableReason.UNDECODABLE);
		byte[] shorter = record.clone();
		ByteBuffer.wrap(shorter).putInt(lengthOffset, inflated - 1);
		assertThat(reason(compressing, shorter)).isEqualTo(UnreadableReason.UNDECODABLE);
		byte[] bomb = record.clone();
		ByteBuffer.wrap(bomb).putInt(lengthOffset, RecordCodec.MAX_INFLATED_BYTES + 1);
		assertThat(reason(compressing, bomb)).isEqualTo(UnreadableReason.REJECTED);
	}

	@Test
	void detailsQuotingStoredBytesCannotBreakALogLine() {
		assertThat(RecordCodec.printable("a\nb\r\u0000c\u009bd")).isEqualTo("a?b??c?d");
		assertThat(RecordCodec.printable("x".repeat(1000))).hasSize(303);
	}

	private static RecordCodec.Content decode(RecordCodec codec, byte[] bytes) {
		return codec.decode(KEY, bytes, Object.class);
	}

	private static UnreadableReason reason(RecordCodec codec, byte[] bytes) {
		RecordCodec.Content content = decode(codec, bytes);
		assertThat(content).isInstanceOf(RecordCodec.Unreadable.class);
		return ((RecordCodec.Unreadable) content).reason();
	}

	// Where an unsigned, uncompressed java value's payload starts: after flags, the codec id and three longs.
	private static int javaStreamOffset(byte[] value) {
		int flags = value[RecordCodec.HEADER_LENGTH];
		return RecordCodec.HEADER_LENGTH + 2 + value[RecordCodec.HEADER_LENGTH + 1] + 3 * Long.BYTES
				+ (((flags & 2) != 0) ? Integer.BYTES : 0);
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

	/** Counts the values it decodes. */
	static final class CountingCodec implements ValueCodec {

		static int decoded;

		@Override
		public byte[] encode(Object value) {
			return value.toString().getBytes(StandardCharsets.UTF_8);
		}

		@Override
		public Object decode(byte[] bytes, java.lang.reflect.Type declaredType) {
			decoded++;
			return new String(bytes, StandardCharsets.UTF_8);
		}

	}

}
