package dev.stampede.codec;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.stampede.StampedeSerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JsonCodecTest {

	static Stream<ValueCodec> codecs() {
		return Stream.of(new JsonCodec(), new Jackson2JsonCodec());
	}

	@ParameterizedTest
	@MethodSource("codecs")
	void recordsAndTheirGenericContainersReadBackAsTheDeclaredType(ValueCodec codec) {
		Product one = new Product(1, "one", new BigDecimal("9.90"), Instant.parse("2026-11-27T10:15:30Z"), List.of("a"));
		Product two = new Product(2, "two", null, null, List.of());
		assertThat(roundTrip(codec, one, Product.class)).isEqualTo(one);
		assertThat(roundTrip(codec, List.of(one, two), new ParameterizedTypeReference<List<Product>>() {
		}.getType())).isEqualTo(List.of(one, two));
		assertThat(roundTrip(codec, Map.of("one", one), new ParameterizedTypeReference<Map<String, Product>>() {
		}.getType())).isEqualTo(Map.of("one", one));
		assertThat(roundTrip(codec, Optional.of(one), new ParameterizedTypeReference<Optional<Product>>() {
		}.getType())).isEqualTo(Optional.of(one));
		assertThat(roundTrip(codec, Optional.empty(), new ParameterizedTypeReference<Optional<Product>>() {
		}.getType())).isEqualTo(Optional.empty());
		assertThat(roundTrip(codec, 42L, Long.class)).isEqualTo(42L);
	}

	@ParameterizedTest
	@MethodSource("codecs")
	void aClassThatIsNotSerializableRoundTrips(ValueCodec codec) {
		Basket basket = new Basket();
		basket.setOwner("ann");
		basket.setItems(List.of(new Product(3, "three", BigDecimal.ONE, null, List.of())));
		Basket read = (Basket) roundTrip(codec, basket, Basket.class);
		assertThat(read.getOwner()).isEqualTo("ann");
		assertThat(read.getItems()).isEqualTo(basket.getItems());
	}

	@ParameterizedTest
	@MethodSource("codecs")
	void theBytesNameNoClass(ValueCodec codec) {
		byte[] bytes = codec.encode(List.of(new Product(1, "one", null, null, List.of())));
		assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("dev.stampede").doesNotContain("@class");
	}

	@ParameterizedTest
	@MethodSource("codecs")
	void aCallerThatDeclaresNoTypeGetsNoMapInPlaceOfItsValue(ValueCodec codec) {
		byte[] bytes = codec.encode(new Product(1, "one", null, null, List.of()));
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> codec.decode(bytes, Object.class))
			.withMessageContaining("callSite");
	}

	@ParameterizedTest
	@MethodSource("codecs")
	void jsonThatDoesNotFitTheTypeIsUndecodable(ValueCodec codec) {
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> codec.decode("{\"id\":\"not a number\"}".getBytes(), Product.class))
			.isNotInstanceOf(ValueRejectedException.class);
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> codec.decode("null".getBytes(), Product.class));
	}

	@Test
	void eachJacksonGenerationReadsTheOthersValues() {
		Product product = new Product(1, "one", new BigDecimal("9.90"), Instant.parse("2026-11-27T10:15:30Z"), List.of("a"));
		Type products = new ParameterizedTypeReference<List<Product>>() {
		}.getType();
		JsonCodec jackson3 = new JsonCodec();
		Jackson2JsonCodec jackson2 = new Jackson2JsonCodec();
		assertThat(jackson2.id()).isEqualTo(jackson3.id());
		assertThat(jackson2.decode(jackson3.encode(List.of(product)), products)).isEqualTo(List.of(product));
		assertThat(jackson3.decode(jackson2.encode(List.of(product)), products)).isEqualTo(List.of(product));
	}

	private static Object roundTrip(ValueCodec codec, Object value, Type type) {
		return codec.decode(codec.encode(value), type);
	}

	record Product(long id, String name, BigDecimal price, Instant since, List<String> tags) {
	}

	static class Basket {

		private String owner;

		private List<Product> items;

		public String getOwner() {
			return this.owner;
		}

		public void setOwner(String owner) {
			this.owner = owner;
		}

		public List<Product> getItems() {
			return this.items;
		}

		public void setItems(List<Product> items) {
			this.items = items;
		}

	}

}
