package dev.stampede.test;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.CacheSettings;
import dev.stampede.CacheStats;
import dev.stampede.CallSite;
import dev.stampede.Envelope;
import dev.stampede.CacheEvent;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.UnreadableReason;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.codec.Jackson2JsonCodec;
import dev.stampede.codec.JsonCodec;
import dev.stampede.codec.RecordCodec;
import dev.stampede.codec.SigningKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the record format and the codecs guarantee on a store that others can write:
 * bytes planted under a key never make an engine instantiate a class its call site
 * does not reach, a value whose signature does not check out is never decoded, the
 * json codec reads values back as their declared generic type, and engines with
 * different codecs on one store see each other's values as misses, never as errors.
 * Each of these is a miss that the caller loads over, counted with its reason. A
 * backend passes by extending this class.
 */
public abstract class CodecContract {

	private static final String CACHE = "codec";

	private static final SigningKey KEY = SigningKey.of("k1", "a secret of at least thirty-two bytes, for tests");

	private static final SigningKey FORGED = SigningKey.of("k1", "another secret of thirty-two bytes, not the key");

	private final List<AutoCloseable> resources = new ArrayList<>();

	/** Creates a backend instance with its own connection to the shared store, reading and writing {@code records}. */
	protected abstract StampedeBackend createBackend(RecordCodec records);

	/** Stores {@code bytes} under {@code key} with the store's own client, as another program would. */
	protected abstract void writeRaw(String key, byte[] bytes);

	/** Closes {@code resource} after the test, after the engines and backends opened later. */
	protected void closeAfterTest(AutoCloseable resource) {
		this.resources.add(resource);
	}

	@BeforeEach
	void forgetPlantedReads() {
		PlantedGadget.forget();
	}

	@AfterEach
	void closeEnginesAndBackends() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
		this.resources.clear();
	}

	@Test
	void anObjectOfAClassTheCallSiteDoesNotReachIsNeverDeserializedAndIsLoadedOver() {
		Stampede attacker = engine(RecordCodec.builder(new JdkSerializationCodec(null)).build());
		Stampede victim = engine(new RecordCodec(new JdkSerializationCodec(null)));
		String key = uniqueKey();
		attacker.get(CACHE, key, () -> new PlantedGadget("touch /tmp/pwned"));
		CallSite strings = victim.callSite(CACHE, CacheSettings.Overrides.NONE, "victim", String.class);
		AtomicInteger loads = new AtomicInteger();
		assertThat(victim.get(strings, key, () -> "fresh-" + loads.incrementAndGet(), (value) -> true))
			.isEqualTo("fresh-1");
		assertThat(PlantedGadget.readObjectRan()).as("the planted object's readObject ran").isFalse();
		assertThat(victim.get(strings, key, () -> "fresh-" + loads.incrementAndGet(), (value) -> true))
			.as("the loaded value replaced the planted one")
			.isEqualTo("fresh-1");
		assertUnreadableOnce(victim, UnreadableReason.REJECTED);
	}

	@Test
	void anObjectPlantedInsideAnAllowedCollectionIsRejectedAsWell() {
		Stampede victim = engine(new RecordCodec(new JdkSerializationCodec(null)));
		String key = uniqueKey();
		RecordCodec attacker = new RecordCodec(new JdkSerializationCodec(null));
		writeRaw(victim.inspection().backendKey(CACHE, key), attacker.encodeValue(
				victim.inspection().backendKey(CACHE, key),
				fresh(new ArrayList<>(List.of(new Product(1, "one", BigDecimal.ONE, List.of()),
						new PlantedGadget("rm -rf"))))));
		CallSite products = victim.callSite(CACHE, CacheSettings.Overrides.NONE, "products", PRODUCTS);
		assertThat(victim.get(products, key, () -> List.of(new Product(2, "loaded", BigDecimal.TEN, List.of())),
				(value) -> true))
			.extracting(Product::name)
			.containsExactly("loaded");
		assertThat(PlantedGadget.readObjectRan()).isFalse();
		assertUnreadableOnce(victim, UnreadableReason.REJECTED);
	}

	@Test
	void aValueSignedWithAnotherSecretIsNeverDecodedAndIsLoadedOver() {
		// The victim would even read the planted class: the signature alone keeps it out.
		JdkSerializationCodec permissive = JdkSerializationCodec.builder()
			.allowPackages(List.of(PlantedGadget.class.getPackageName()))
			.build();
		Stampede attacker = engine(RecordCodec.builder(permissive).signingKey(FORGED).build());
		Stampede victim = engine(RecordCodec.builder(permissive).signingKey(KEY).build());
		String key = uniqueKey();
		attacker.get(CACHE, key, () -> new PlantedGadget("signed with a guess"));
		assertThat(victim.get(CACHE, key, () -> "fresh")).isEqualTo("fresh");
		assertThat(PlantedGadget.readObjectRan()).isFalse();
		assertThat(victim.get(CACHE, key, () -> "loaded again")).isEqualTo("fresh");
		assertUnreadableOnce(victim, UnreadableReason.BAD_SIGNATURE);
	}

	@Test
	void anUnsignedValueIsABadSignatureToAnEngineThatSigns() {
		Stampede unsigned = engine(new RecordCodec(new JdkSerializationCodec(null)));
		Stampede signing = engine(RecordCodec.builder(new JdkSerializationCodec(null)).signingKey(KEY).build());
		String key = uniqueKey();
		unsigned.get(CACHE, key, () -> "unsigned");
		assertThat(signing.get(CACHE, key, () -> "signed")).isEqualTo("signed");
		assertUnreadableOnce(signing, UnreadableReason.BAD_SIGNATURE);
		assertThat(unsigned.get(CACHE, key, () -> "loaded again")).as("an engine without a key reads signed values")
			.isEqualTo("signed");
	}

	@Test
	void aByteFlippedInASignedValueMakesItAMissThatIsLoadedOver() {
		RecordCodec records = RecordCodec.builder(new JdkSerializationCodec(null)).signingKey(KEY).build();
		Stampede engine = engine(records);
		String key = uniqueKey();
		String backendKey = engine.inspection().backendKey(CACHE, key);
		byte[] signed = records.encodeValue(backendKey, fresh("the value as written"));
		assertThat(engine.get(CACHE, key, () -> "never loaded")).isEqualTo("never loaded");
		writeRaw(backendKey, signed);
		assertThat(engine.get(CACHE, key, () -> "not loaded: the signed value reads")).isEqualTo("the value as written");
		byte[] flipped = signed.clone();
		flipped[flipped.length - 40] ^= 0x01;
		writeRaw(backendKey, flipped);
		assertThat(engine.get(CACHE, key, () -> "loaded over the flipped value")).isEqualTo(
				"loaded over the flipped value");
		assertUnreadableOnce(engine, UnreadableReason.BAD_SIGNATURE);
	}

	@Test
	void theJsonCodecReadsRecordsGenericsOptionalsAndNullsBackAsTheirDeclaredType() {
		Stampede writer = engine(new RecordCodec(new JsonCodec()));
		Stampede reader = engine(new RecordCodec(new JsonCodec()));
		Product one = new Product(1, "one", new BigDecimal("9.90"), List.of("a", "b"));
		Product two = new Product(2, "two", null, List.of());
		assertRoundTrip(writer, reader, Product.class, one);
		assertRoundTrip(writer, reader, PRODUCTS, List.of(one, two));
		assertRoundTrip(writer, reader, new ParameterizedTypeReference<Map<String, Product>>() {
		}.getType(), Map.of("one", one, "two", two));
		assertRoundTrip(writer, reader, new ParameterizedTypeReference<Optional<Product>>() {
		}.getType(), Optional.of(one));
		assertRoundTrip(writer, reader, Product.class, null);
		assertThat(reader.inspection().stats(CACHE).count(CacheEvent.UNREADABLE)).isZero();
	}

	@Test
	void applicationsOnEitherJacksonGenerationShareJsonValues() {
		Stampede jackson3 = engine(new RecordCodec(new JsonCodec()));
		Stampede jackson2 = engine(new RecordCodec(new Jackson2JsonCodec()));
		Product one = new Product(1, "one", new BigDecimal("9.90"), List.of("a", "b"));
		assertRoundTrip(jackson3, jackson2, PRODUCTS, List.of(one));
		assertRoundTrip(jackson2, jackson3, Product.class, one);
		assertThat(jackson2.inspection().stats(CACHE).count(CacheEvent.UNREADABLE)).isZero();
		assertThat(jackson3.inspection().stats(CACHE).count(CacheEvent.UNREADABLE)).isZero();
	}

	@Test
	void enginesWithDifferentCodecsOnOneStoreSeeEachOthersValuesAsMissesNeverErrors() {
		Stampede java = engine(new RecordCodec(new JdkSerializationCodec(null)));
		Stampede json = engine(new RecordCodec(new JsonCodec()));
		CallSite javaSite = java.callSite(CACHE, CacheSettings.Overrides.NONE, "java", Product.class);
		CallSite jsonSite = json.callSite(CACHE, CacheSettings.Overrides.NONE, "json", Product.class);
		String key = uniqueKey();
		Product fromJava = new Product(1, "from java", BigDecimal.ONE, List.of());
		Product fromJson = new Product(1, "from json", BigDecimal.ONE, List.of());
		assertThat(java.get(javaSite, key, () -> fromJava, (value) -> true)).isEqualTo(fromJava);
		assertThat(json.get(jsonSite, key, () -> fromJson, (value) -> true)).isEqualTo(fromJson);
		assertThat(java.get(javaSite, key, () -> fromJava, (value) -> true)).isEqualTo(fromJava);
		assertThat(json.get(jsonSite, key, () -> fromJson, (value) -> true)).isEqualTo(fromJson);
		assertThat(json.inspection().stats(CACHE).count(UnreadableReason.OTHER_FORMAT)).isEqualTo(2);
		assertThat(java.inspection().stats(CACHE).count(UnreadableReason.OTHER_FORMAT)).isEqualTo(1);
	}

	@Test
	void aCompressedValueLargerThanMemcachedsItemLimitIsStoredAndReadBack() {
		Stampede engine = engine(RecordCodec.builder(new JdkSerializationCodec(null)).compressAbove(64 * 1024).build());
		String key = uniqueKey();
		String large = "a product description that repeats itself; ".repeat(60_000);
		assertThat(large.length()).isGreaterThan(2 * 1024 * 1024);
		AtomicInteger loads = new AtomicInteger();
		engine.get(CACHE, key, () -> {
			loads.incrementAndGet();
			return large;
		});
		assertThat(engine.get(CACHE, key, () -> "loaded again")).isEqualTo(large);
		assertThat(loads).hasValue(1);
		assertThat(engine.inspection().stats(CACHE).count(CacheEvent.NOT_STORED)).isZero();
	}

	private static final Type PRODUCTS = new ParameterizedTypeReference<List<Product>>() {
	}.getType();

	private void assertRoundTrip(Stampede writer, Stampede reader, Type type, Object value) {
		String key = uniqueKey();
		CallSite written = writer.callSite(CACHE, CacheSettings.Overrides.NONE, "writer of " + type, type);
		CallSite read = reader.callSite(CACHE, CacheSettings.Overrides.NONE, "reader of " + type, type);
		assertThat((Object) writer.get(written, key, () -> value, (loaded) -> true)).isEqualTo(value);
		assertThat((Object) reader.get(read, key, () -> "loaded: the value did not read back", (loaded) -> true))
			.as("%s read back by another engine", type.getTypeName())
			.isEqualTo(value);
	}

	private static void assertUnreadableOnce(Stampede engine, UnreadableReason reason) {
		CacheStats stats = engine.inspection().stats(CACHE);
		assertThat(stats.count(CacheEvent.UNREADABLE)).isEqualTo(1);
		assertThat(stats.count(reason)).isEqualTo(1);
	}

	private Stampede engine(RecordCodec records) {
		StampedeBackend backend = createBackend(records);
		this.resources.add(backend);
		CacheSettings settings = CacheSettings.builder()
			.ttl(Duration.ofMinutes(1))
			.leaseTtl(Duration.ofSeconds(2))
			.maxWait(Duration.ofSeconds(5))
			.build();
		Stampede engine = new Stampede(backend, new StampedeSettings(settings, Map.of()), "codec-contract:",
				Clock.systemUTC());
		this.resources.add(engine);
		return engine;
	}

	private static Envelope fresh(Object value) {
		long now = System.currentTimeMillis();
		return new Envelope(value, now + 60_000, now + 60_000, 1);
	}

	private static String uniqueKey() {
		return UUID.randomUUID().toString();
	}

	/**
	 * A product, as an application caches it.
	 * @param id its id
	 * @param name its name
	 * @param price its price, if it has one
	 * @param tags its tags
	 */
	public record Product(long id, String name, BigDecimal price, List<String> tags) implements Serializable {
	}

	/**
	 * A class whose deserialization has a side effect, as the first link of a gadget
	 * chain has: it records that its {@code readObject} ran.
	 */
	public static final class PlantedGadget implements Serializable {

		private static final long serialVersionUID = 1L;

		private static volatile boolean readObjectRan;

		private final String command;

		/** A gadget that would run {@code command}. */
		public PlantedGadget(String command) {
			this.command = command;
		}

		/** Whether the {@code readObject} of any instance ran since {@link #forget()}. */
		public static boolean readObjectRan() {
			return readObjectRan;
		}

		/** Forgets that a {@code readObject} ran. */
		public static void forget() {
			readObjectRan = false;
		}

		private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
			readObjectRan = true;
			in.defaultReadObject();
		}

		@Override
		public String toString() {
			return "PlantedGadget " + this.command;
		}

	}

}
