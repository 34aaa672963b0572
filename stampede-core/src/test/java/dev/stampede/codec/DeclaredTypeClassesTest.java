package dev.stampede.codec;

import java.io.Serializable;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.stampede.codec.gadget.Gadget;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;

class DeclaredTypeClassesTest {

	@Test
	void aTypeReachesItsFieldsComponentsTypeArgumentsSuperclassesAndSealedSubclasses() {
		DeclaredTypeClasses classes = new DeclaredTypeClasses(new ParameterizedTypeReference<List<Order>>() {
		}.getType(), List.of());
		assertThat(classes.reachable()).contains(List.class, Order.class, Customer.class, Line.class, Money.class,
				Page.class, Shape.class, Circle.class, Square.class, Audited.class, Currency.class, URI.class,
				Order.Proxy.class);
		assertThat(classes.reachable()).as("transient and static fields").doesNotContain(Gadget.class);
		assertThat(classes.permits(Money[].class)).isTrue();
		assertThat(classes.permits(Circle[][].class)).isTrue();
	}

	@Test
	void aTypeVariableIsBoundToTheTypeArgumentItWasDeclaredWith() {
		DeclaredTypeClasses classes = new DeclaredTypeClasses(new ParameterizedTypeReference<Page<Customer>>() {
		}.getType(), List.of());
		assertThat(classes.reachable()).contains(Page.class, Customer.class).doesNotContain(Order.class);
	}

	@Test
	void theJdksValueTypesArePermittedToEveryType() throws Exception {
		DeclaredTypeClasses classes = new DeclaredTypeClasses(Object.class, List.of());
		for (Class<?> type : List.of(String.class, Integer.class, Long.class, Number.class, Enum.class,
				ArrayList.class, HashMap.class, ConcurrentHashMap.class, LocalDate.class, BigDecimal.class,
				Object[].class, int[].class, byte[].class, java.sql.Timestamp.class,
				Class.forName("java.util.Collections$UnmodifiableRandomAccessList"),
				Class.forName("java.util.CollSer"), Class.forName("java.time.Ser"))) {
			assertThat(classes.permits(type)).as(type.getName()).isTrue();
		}
	}

	@Test
	void whatNeitherTheTypeNorTheJdksValuesNorAnAllowedPackageHoldsIsRefused() throws Exception {
		DeclaredTypeClasses classes = new DeclaredTypeClasses(String.class, List.of());
		for (Class<?> type : List.of(Gadget.class, Gadget[].class, URL.class, Order.class, Thread.class,
				Class.forName("java.lang.invoke.SerializedLambda"), Runtime.class, Optional.class.getClass(),
				Class.forName("javax.management.BadAttributeValueExpException"))) {
			assertThat(classes.permits(type)).as(type.getName()).isFalse();
		}
		assertThat(classes.rejection(Gadget.class)).contains(Gadget.class.getName())
			.contains("java.lang.String")
			.contains("stampede.codec.allowed-packages=dev.stampede.codec.gadget");
	}

	@Test
	void objectAndSerializableReachNothingButTheJdksValuesAndTheAllowedPackages() {
		for (Class<?> declared : List.of(Object.class, Serializable.class)) {
			DeclaredTypeClasses classes = new DeclaredTypeClasses(declared, List.of("dev.stampede.codec.gadget"));
			assertThat(classes.permits(Gadget.class)).as("allowed package, declared %s", declared).isTrue();
			assertThat(classes.permits(Holder.class)).as("declared %s", declared).isFalse();
			assertThat(classes.permits(HashMap.class)).as("declared %s", declared).isTrue();
		}
	}

	@Test
	void anAllowedPackageHoldsItsSubpackagesButNotItsNamesakes() {
		DeclaredTypeClasses classes = new DeclaredTypeClasses(Object.class, List.of("dev.stampede"));
		assertThat(classes.permits(Gadget.class)).isTrue();
		assertThat(new DeclaredTypeClasses(Object.class, List.of("dev.stamp")).permits(Gadget.class)).isFalse();
	}

	@Test
	void anAbstractFieldTypeReachesNoneOfItsImplementations() {
		DeclaredTypeClasses classes = new DeclaredTypeClasses(Holder.class, List.of());
		assertThat(classes.permits(Holder.class)).isTrue();
		assertThat(classes.permits(Gadget.class)).as("an Object field").isFalse();
	}

	@Test
	void proxiesAreRefusedEvenInAnAllowedPackage() {
		Object proxy = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Greeter.class },
				(target, method, args) -> null);
		DeclaredTypeClasses classes = new DeclaredTypeClasses(Greeter.class, List.of("dev.stampede", "jdk.proxy1",
				"com.sun.proxy"));
		assertThat(classes.permits(proxy.getClass())).isFalse();
		assertThat(classes.rejection(proxy.getClass())).contains("proxy");
	}

	record Order(Customer customer, List<Line> lines, Map<String, Money> totals, Page<Line> page, Shape shape,
			URI link) implements Serializable {

		// A serialization proxy, as Effective Java has it.
		private static final class Proxy implements Serializable {

		}

	}

	record Customer(String name) implements Serializable {
	}

	record Line(String sku, Money price) implements Serializable {
	}

	static class Audited implements Serializable {

		private Currency currency;

		private transient Gadget notSerialized;

		private static Gadget notEither;

	}

	static final class Money extends Audited {

		private BigDecimal amount;

	}

	enum Currency {

		EUR, USD

	}

	static final class Page<T> implements Serializable {

		private List<T> items;

	}

	sealed interface Shape extends Serializable permits Circle, Square {
	}

	record Circle(double radius) implements Shape {
	}

	record Square(double side) implements Shape {
	}

	record Holder(Object content) implements Serializable {
	}

	interface Greeter extends Serializable {
	}

}
