package dev.stampede.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.stampede.StampedeSerializationException;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ConfigurableObjectInputStream;
import org.springframework.core.ResolvableType;
import org.springframework.core.serializer.support.SerializationFailedException;
import org.springframework.core.serializer.support.SerializingConverter;

/**
 * The default codec: Java serialization, read through a deserialization filter
 * (JEP 290) installed on every read. The filter lets through only the classes the
 * caller's declared type reaches, the JDK's value types ({@code java.lang}'s boxes
 * and {@code String}, {@code java.util} and its collections, {@code java.time},
 * {@code java.math}) and the allowed packages, and refuses anything nested deeper,
 * holding more references or longer arrays than the bytes could describe, or larger
 * than a limit. A refused class is loaded to be named but never initialised or
 * instantiated: its {@code readObject} never runs. A JVM-wide filter
 * ({@code jdk.serialFilter}) still applies on top.
 * <p>
 * Classes are resolved through a given class loader, so that applications with their
 * own loader (devtools, servers) can read what they wrote.
 */
public final class JdkSerializationCodec implements ValueCodec {

	/** The id of this codec's format. */
	public static final String ID = "java/1";

	/** Deepest nesting read by default: deep enough for real values, too shallow for nested-set bombs. */
	public static final int DEFAULT_MAX_DEPTH = 20;

	/** Largest value read by default. */
	public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

	private final SerializingConverter serializer = new SerializingConverter();

	private final @Nullable ClassLoader classLoader;

	private final List<String> allowedPackages;

	private final int maxDepth;

	private final int maxBytes;

	// One entry per declared type: call sites are few, and each type's walk is done once.
	private final Map<Type, DeclaredTypeClasses> classes = new ConcurrentHashMap<>();

	/**
	 * Creates a codec that resolves classes through {@code classLoader}, or the default
	 * loader if {@code null}, and reads the declared types and the JDK's value types only.
	 */
	public JdkSerializationCodec(@Nullable ClassLoader classLoader) {
		this(builder().classLoader(classLoader));
	}

	private JdkSerializationCodec(Builder builder) {
		this.classLoader = builder.classLoader;
		this.allowedPackages = List.copyOf(builder.allowedPackages);
		this.maxDepth = builder.maxDepth;
		this.maxBytes = builder.maxBytes;
	}

	/** A builder of a codec with the default limits, no allowed package, and the default class loader. */
	public static Builder builder() {
		return new Builder();
	}

	@Override
	public String id() {
		return ID;
	}

	/** The packages whose classes any declared type may read. */
	public List<String> allowedPackages() {
		return this.allowedPackages;
	}

	// A concrete class is what a method returns; an interface or an abstract class may hold
	// values of classes that are Serializable.
	@Override
	public boolean canEncode(Type declaredType) {
		Class<?> type = ResolvableType.forType(declaredType).toClass();
		return type.isPrimitive() || Serializable.class.isAssignableFrom(type) || type.isInterface()
				|| Modifier.isAbstract(type.getModifiers()) || type == Object.class;
	}

	@Override
	public byte[] encode(Object value) {
		if (!(value instanceof Serializable)) {
			throw notSerializable(value.getClass().getName(), null);
		}
		try {
			return this.serializer.convert(value);
		}
		catch (SerializationFailedException ex) {
			NotSerializableException cause = findNotSerializable(ex);
			throw notSerializable((cause != null) ? cause.getMessage() : value.getClass().getName(), ex);
		}
	}

	@Override
	public Object decode(byte[] bytes, Type declaredType) {
		if (bytes.length > this.maxBytes) {
			throw new ValueRejectedException("the value takes " + bytes.length + " bytes, more than the "
					+ this.maxBytes + " the java codec reads", null);
		}
		DeclaredTypeClasses permitted = this.classes.computeIfAbsent(declaredType,
				(type) -> new DeclaredTypeClasses(type, this.allowedPackages));
		ReadFilter filter = new ReadFilter(permitted, bytes.length, this.maxDepth);
		try (ObjectInputStream in = new ConfigurableObjectInputStream(new ByteArrayInputStream(bytes),
				this.classLoader)) {
			in.setObjectInputFilter(filter.withJvmWideFilter());
			return in.readObject();
		}
		catch (InvalidClassException ex) {
			String rejection = filter.rejection;
			if (rejection != null) {
				throw new ValueRejectedException(rejection, null);
			}
			throw undecodable(ex);
		}
		catch (IOException | ClassNotFoundException | RuntimeException ex) {
			throw undecodable(ex);
		}
	}

	@Override
	public String toString() {
		return "JdkSerializationCodec (allowed packages " + this.allowedPackages + ", max depth " + this.maxDepth
				+ ", max bytes " + this.maxBytes + ")";
	}

	private static StampedeSerializationException undecodable(Exception ex) {
		return new StampedeSerializationException("Cannot deserialize a cached value: " + ex, ex);
	}

	private static StampedeSerializationException notSerializable(@Nullable String type, @Nullable Throwable cause) {
		return new StampedeSerializationException("Type " + type + " is not serializable, so the default "
				+ "codec (Java serialization) cannot cache it. Make it implement java.io.Serializable, or set "
				+ "stampede.codec.format=json, or define a ValueCodec bean that can encode it", cause);
	}

	private static @Nullable NotSerializableException findNotSerializable(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof NotSerializableException nse) {
				return nse;
			}
		}
		return null;
	}

	/**
	 * The filter of one read. References and array lengths are bounded by the bytes: each
	 * reference and each array element takes at least one byte of a stream, so a stream
	 * claiming more is built to exhaust memory.
	 */
	static final class ReadFilter implements ObjectInputFilter {

		private final DeclaredTypeClasses permitted;

		private final long streamLength;

		private final int maxDepth;

		volatile @Nullable String rejection;

		ReadFilter(DeclaredTypeClasses permitted, long streamLength, int maxDepth) {
			this.permitted = permitted;
			this.streamLength = streamLength;
			this.maxDepth = maxDepth;
		}

		@Override
		public Status checkInput(FilterInfo info) {
			if (info.depth() > this.maxDepth) {
				return reject("the value is nested deeper than " + this.maxDepth + " levels");
			}
			if (info.references() > this.streamLength) {
				return reject("the value claims more references than its " + this.streamLength + " bytes hold");
			}
			if (info.arrayLength() > this.streamLength) {
				return reject("the value claims an array of " + info.arrayLength() + " elements in "
						+ this.streamLength + " bytes");
			}
			Class<?> serialClass = info.serialClass();
			if (serialClass == null || this.permitted.permits(serialClass)) {
				return Status.ALLOWED;
			}
			return reject(this.permitted.rejection(serialClass));
		}

		ObjectInputFilter withJvmWideFilter() {
			ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
			return (jvmWide != null) ? ObjectInputFilter.merge(this, jvmWide) : this;
		}

		private Status reject(String why) {
			if (this.rejection == null) {
				this.rejection = why;
			}
			return Status.REJECTED;
		}

	}

	/** Builds a {@link JdkSerializationCodec}. */
	public static final class Builder {

		private @Nullable ClassLoader classLoader;

		private final List<String> allowedPackages = new ArrayList<>();

		private int maxDepth = DEFAULT_MAX_DEPTH;

		private int maxBytes = DEFAULT_MAX_BYTES;

		private Builder() {
		}

		/** Resolves classes through {@code classLoader}; {@code null} for the default loader. */
		public Builder classLoader(@Nullable ClassLoader classLoader) {
			this.classLoader = classLoader;
			return this;
		}

		/**
		 * Lets any declared type read the classes of these packages and their subpackages,
		 * such as the application's own.
		 * @throws IllegalArgumentException if a name is blank
		 */
		public Builder allowPackages(List<String> packageNames) {
			for (String name : packageNames) {
				String trimmed = name.trim();
				if (trimmed.isEmpty() || trimmed.endsWith(".") || trimmed.contains("*")) {
					throw new IllegalArgumentException("'" + name + "' is no package name, such as com.example");
				}
				this.allowedPackages.add(trimmed);
			}
			return this;
		}

		/** Refuses values nested deeper than {@code maxDepth} objects. */
		public Builder maxDepth(int maxDepth) {
			this.maxDepth = requirePositive(maxDepth, "maxDepth");
			return this;
		}

		/** Refuses values larger than {@code maxBytes}. */
		public Builder maxBytes(int maxBytes) {
			this.maxBytes = requirePositive(maxBytes, "maxBytes");
			return this;
		}

		public JdkSerializationCodec build() {
			return new JdkSerializationCodec(this);
		}

		private static int requirePositive(int value, String name) {
			if (value < 1) {
				throw new IllegalArgumentException(name + " must be at least 1, was " + value);
			}
			return value;
		}

	}

}
