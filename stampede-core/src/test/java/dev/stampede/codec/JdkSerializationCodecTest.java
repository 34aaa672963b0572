package dev.stampede.codec;

import java.io.Serializable;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.stampede.StampedeSerializationException;
import dev.stampede.codec.gadget.Gadget;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JdkSerializationCodecTest {

	private static final Type PRODUCTS = new ParameterizedTypeReference<List<Product>>() {
	}.getType();

	private final JdkSerializationCodec codec = new JdkSerializationCodec(null);

	@BeforeEach
	void forgetGadgets() {
		Gadget.readObjectRan = false;
	}

	@Test
	void valuesOfTheDeclaredTypeAndOfTheJdkRoundTrip() {
		List<Product> products = List.of(new Product(1, "one", LocalDate.of(2026, 1, 2), Map.of("colour", "red")),
				new Product(2, "two", null, Map.of()));
		assertThat(this.codec.decode(this.codec.encode(new ArrayList<>(products)), PRODUCTS)).isEqualTo(products);
		assertThat(this.codec.decode(this.codec.encode(List.copyOf(products)), PRODUCTS)).isEqualTo(products);
		assertThat(this.codec.decode(this.codec.encode("text"), String.class)).isEqualTo("text");
		assertThat(this.codec.decode(this.codec.encode(42L), Object.class)).isEqualTo(42L);
	}

	@Test
	void aClassTheDeclaredTypeDoesNotReachIsRejectedAndItsReadObjectNeverRuns() {
		byte[] planted = this.codec.encode(new Gadget("touch /tmp/pwned"));
		assertThatExceptionOfType(ValueRejectedException.class)
			.isThrownBy(() -> this.codec.decode(planted, String.class))
			.withMessageContaining(Gadget.class.getName())
			.withMessageContaining("stampede.codec.allowed-packages");
		assertThat(Gadget.readObjectRan).isFalse();
		byte[] nested = this.codec.encode(new ArrayList<>(List.of("harmless", new Gadget("inside a list"))));
		assertThatExceptionOfType(ValueRejectedException.class).isThrownBy(() -> this.codec.decode(nested, Object.class));
		assertThat(Gadget.readObjectRan).isFalse();
	}

	@Test
	void aClassInAnAllowedPackageIsRead() {
		JdkSerializationCodec allowing = JdkSerializationCodec.builder()
			.allowPackages(List.of("dev.stampede.codec.gadget"))
			.build();
		assertThat(allowing.decode(allowing.encode(new Gadget("allowed")), Object.class)).isInstanceOf(Gadget.class);
		assertThat(Gadget.readObjectRan).isTrue();
	}

	@Test
	void aValueNestedDeeperThanTheLimitIsRejected() {
		assertThat(this.codec.decode(this.codec.encode(nestedLists(JdkSerializationCodec.DEFAULT_MAX_DEPTH - 2)),
				Object.class)).isInstanceOf(ArrayList.class);
		byte[] deep = this.codec.encode(nestedLists(JdkSerializationCodec.DEFAULT_MAX_DEPTH + 1));
		assertThatExceptionOfType(ValueRejectedException.class).isThrownBy(() -> this.codec.decode(deep, Object.class))
			.withMessageContaining("deeper than 20");
	}

	@Test
	void nestedSetsBuiltToHashForeverAreRejectedQuickly() {
		// Each level holds two sets that hold the next: reading one hashes 2^depth times.
		Set<Object> root = new HashSet<>();
		Set<Object> s1 = root;
		Set<Object> s2 = new HashSet<>();
		for (int i = 0; i < 100; i++) {
			Set<Object> t1 = new HashSet<>();
			Set<Object> t2 = new HashSet<>();
			t1.add("foo");
			s1.add(t1);
			s1.add(t2);
			s2.add(t1);
			s2.add(t2);
			s1 = t1;
			s2 = t2;
		}
		byte[] bomb = this.codec.encode(root);
		long start = System.nanoTime();
		assertThatExceptionOfType(ValueRejectedException.class).isThrownBy(() -> this.codec.decode(bomb, Object.class));
		assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
	}

	@Test
	void anArrayLongerThanItsBytesCouldHoldIsRejectedBeforeItIsAllocated() {
		byte[] bytes = this.codec.encode(new int[1000]);
		byte[] claimed = bytes.clone();
		int at = indexOf(claimed, ByteBuffer.allocate(4).putInt(1000).array());
		ByteBuffer.wrap(claimed).putInt(at, Integer.MAX_VALUE - 8);
		assertThatExceptionOfType(ValueRejectedException.class)
			.isThrownBy(() -> this.codec.decode(claimed, Object.class))
			.withMessageContaining("array of " + (Integer.MAX_VALUE - 8));
		ArrayList<String> list = new ArrayList<>(List.of("a"));
		byte[] listBytes = this.codec.encode(list);
		int size = indexOf(listBytes, ByteBuffer.allocate(4).putInt(1).array());
		ByteBuffer.wrap(listBytes).putInt(size, 1 << 28);
		assertThatExceptionOfType(ValueRejectedException.class).isThrownBy(() -> this.codec.decode(listBytes, Object.class));
	}

	@Test
	void aValueLargerThanTheLimitIsRejectedUnread() {
		JdkSerializationCodec small = JdkSerializationCodec.builder().maxBytes(100).build();
		byte[] large = small.encode("x".repeat(200));
		assertThatExceptionOfType(ValueRejectedException.class).isThrownBy(() -> small.decode(large, String.class))
			.withMessageContaining("more than the 100");
	}

	@Test
	void bytesThatAreNoJavaStreamAreUndecodableNotRejected() {
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> this.codec.decode("not a stream".getBytes(), Object.class))
			.isNotInstanceOf(ValueRejectedException.class);
	}

	@Test
	void packageNamesMustBeNames() {
		for (String name : List.of("", " ", "com.example.", "com.*")) {
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> JdkSerializationCodec.builder().allowPackages(List.of(name)));
		}
	}

	private static Object nestedLists(int depth) {
		Object value = "leaf";
		for (int i = 0; i < depth; i++) {
			value = new ArrayList<>(List.of(value));
		}
		return value;
	}

	private static int indexOf(byte[] bytes, byte[] part) {
		outer: for (int i = 0; i <= bytes.length - part.length; i++) {
			for (int j = 0; j < part.length; j++) {
				if (bytes[i + j] != part[j]) {
					continue outer;
				}
			}
			return i;
		}
		throw new AssertionError("not found");
	}

	record Product(long id, String name, LocalDate since, Map<String, String> attributes) implements Serializable {
	}

}
