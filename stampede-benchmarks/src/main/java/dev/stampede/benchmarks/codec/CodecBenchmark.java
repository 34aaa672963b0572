package dev.stampede.benchmarks.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.stampede.Envelope;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.codec.JsonCodec;
import dev.stampede.codec.RecordCodec;
import dev.stampede.codec.SigningKey;
import dev.stampede.codec.ValueCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import org.springframework.core.ConfigurableObjectInputStream;
import org.springframework.core.ParameterizedTypeReference;

/**
 * What a hit costs to decode, per codec: the record read from the backend's bytes into
 * the call site's declared type, without the network. {@code java} is Java
 * serialization without a filter, as the codec read before it had one, for
 * comparison; {@code java+filter} the default codec; {@code json} the json codec;
 * {@code signed} and {@code compressed} the default codec with a signature (checked
 * on every read) or with Deflate above 1 KB. A small value is one product; a large one
 * a list of products of about 50 KB in Java serialization. {@link #main} prints the
 * size of each record, then runs the benchmark with JMH's options from its arguments.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class CodecBenchmark {

	static final List<String> CODECS = List.of("java", "java+filter", "json", "signed", "compressed");

	static final List<String> SIZES = List.of("small", "50KB");

	private static final String KEY = "app:products@1700000000000:42";

	private static final Type PRODUCTS = new ParameterizedTypeReference<List<Product>>() {
	}.getType();

	@Param({ "java", "java+filter", "json", "signed", "compressed" })
	public String codec;

	@Param({ "small", "50KB" })
	public String size;

	private RecordCodec records;

	private byte[] stored;

	private Type type;

	@Setup
	public void setUp() {
		this.records = records(this.codec);
		this.type = type(this.size);
		this.stored = this.records.encodeValue(KEY, new Envelope(value(this.size), Long.MAX_VALUE, Long.MAX_VALUE, 1));
		if (!(this.records.decode(KEY, this.stored, this.type) instanceof RecordCodec.Value)) {
			throw new IllegalStateException(this.codec + " does not read its own " + this.size + " value");
		}
	}

	@Benchmark
	public RecordCodec.Content decode() {
		return this.records.decode(KEY, this.stored, this.type);
	}

	public static void main(String[] args) throws Exception {
		System.out.println("| codec | small | 50KB |");
		System.out.println("|---|---|---|");
		for (String codec : CODECS) {
			RecordCodec records = records(codec);
			StringBuilder row = new StringBuilder("| " + codec + " |");
			for (String size : SIZES) {
				row.append(' ')
					.append(records.encodeValue(KEY, new Envelope(value(size), 1, 1, 1)).length)
					.append(" |");
			}
			System.out.println(row);
		}
		// JMH's own options on the command line (-wi 8 -i 5, say) win over the annotations.
		new Runner(new OptionsBuilder().parent(new CommandLineOptions(args))
			.include(CodecBenchmark.class.getName())
			.build()).run();
	}

	static RecordCodec records(String codec) {
		JdkSerializationCodec filtered = new JdkSerializationCodec(CodecBenchmark.class.getClassLoader());
		return switch (codec) {
			case "java" -> new RecordCodec(new UnfilteredJavaCodec());
			case "java+filter" -> new RecordCodec(filtered);
			case "json" -> new RecordCodec(new JsonCodec());
			case "signed" -> RecordCodec.builder(filtered)
				.signingKey(SigningKey.of("1", "a benchmark's secret of thirty-two bytes or more"))
				.build();
			case "compressed" -> RecordCodec.builder(filtered).compressAbove(1024).build();
			default -> throw new IllegalArgumentException(codec);
		};
	}

	static Type type(String size) {
		return "small".equals(size) ? Product.class : PRODUCTS;
	}

	static Object value(String size) {
		if ("small".equals(size)) {
			return product(1);
		}
		List<Product> products = new ArrayList<>();
		for (int i = 0; i < 171; i++) {
			products.add(product(i));
		}
		return products;
	}

	private static Product product(int id) {
		return new Product(id, "Product " + id,
				"A sturdy product number " + id + ", described at some length as catalogues do, with the care, "
						+ "the warranty and the delivery terms of its kind spelled out for the buyer.",
				new BigDecimal("10.00").add(BigDecimal.valueOf(id)), List.of("tag-" + (id % 7), "tag-" + (id % 11)),
				Instant.ofEpochSecond(1_700_000_000L + id));
	}

	/**
	 * A product, as an application caches it.
	 * @param id its id
	 * @param name its name
	 * @param description its description
	 * @param price its price
	 * @param tags its tags
	 * @param updated when it last changed
	 */
	public record Product(long id, String name, String description, BigDecimal price, List<String> tags,
			Instant updated) implements Serializable {
	}

	/**
	 * Java serialization without a filter, as the default codec read before it had one:
	 * the same stream, resolving classes through the same loader.
	 */
	static final class UnfilteredJavaCodec implements ValueCodec {

		private final JdkSerializationCodec writer = new JdkSerializationCodec(null);

		@Override
		public byte[] encode(Object value) {
			return this.writer.encode(value);
		}

		@Override
		public Object decode(byte[] bytes, Type declaredType) {
			try (ObjectInputStream in = new ConfigurableObjectInputStream(new ByteArrayInputStream(bytes),
					CodecBenchmark.class.getClassLoader())) {
				return in.readObject();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (ClassNotFoundException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
