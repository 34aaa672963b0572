package dev.stampede.codec;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.stampede.StampedeSerializationException;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JsonCodecTest {

	private final JsonCodec codec = new JsonCodec();

	@Test
	void recordsAndTheirGenericContainersReadBackAsTheDeclaredType() {
		Product one = new Product(1, "one", new BigDecimal("9.90"), Instant.parse("2026-11-27T10:15:30Z"), List.of("a"));
		Product two = new Product(2, "two", null, null, List.of());
		assertThat(roundTrip(one, Product.class)).isEqualTo(one);
		assertThat(roundTrip(List.of(one, two), new ParameterizedTypeReference<List<Product>>() {
		}.getType())).isEqualTo(List.of(one, two));
		assertThat(roundTrip(Map.of("one", one), new ParameterizedTypeReference<Map<String, Product>>() {
		}.getType())).isEqualTo(Map.of("one", one));
		assertThat(roundTrip(Optional.of(one), new ParameterizedTypeReference<Optional<Product>>() {
		}.getType())).isEqualTo(Optional.of(one));
		assertThat(roundTrip(Optional.empty(), new ParameterizedTypeReference<Optional<Product>>() {
		}.getType())).isEqualTo(Optional.empty());
		assertThat(roundTrip(42L, Long.class)).isEqualTo(42L);
	}

	@Test
	void aClassThatIsNotSerializableRoundTrips() {
		Basket basket = new Basket();
		basket.setOwner("ann");
		basket.setItems(List.of(new Product(3, "three", BigDecimal.ONE, null, List.of())));
		Basket read = (Basket) roundTrip(basket, Basket.class);
		assertThat(read.getOwner()).isEqualTo("ann");
		assertThat(read.getItems()).isEqualTo(basket.getItems());
	}

	@Test
	void theBytesNameNoClass() {
		byte[] bytes = this.codec.encode(List.of(new Product(1, "one", null, null, List.of())));
		assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("dev.stampede").doesNotContain("@class");
	}

	@Test
	void aCallerThatDeclaresNoTypeGetsNoMapInPlaceOfItsValue() {
		byte[] bytes = this.codec.encode(new Product(1, "one", null, null, List.of()));
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> this.codec.decode(bytes, Object.class))
			.withMessageContaining("callSite");
	}

	@Test
	void jsonThatDoesNotFitTheTypeIsUndecodable() {
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> this.codec.decode("{\"id\":\"not a number\"}".getBytes(), Product.class))
			.isNotInstanceOf(ValueRejectedException.class);
		assertThatExceptionOfType(StampedeSerializationException.class)
			.isThrownBy(() -> this.codec.decode("null".getBytes(), Product.class));
	}

	private Object roundTrip(Object value, Type type) {
		return this.codec.decode(this.codec.encode(value), type);
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
