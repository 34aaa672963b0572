package dev.stampede.codec;

import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.core.ResolvableType;

/**
 * The classes that Java serialization may read for one declared type: those the type
 * reaches, the JDK's value types, and the allowed packages. A type reaches itself, its
 * type arguments, array components, superclasses, the declared types of its
 * serialized fields (records' components among them) with type variables bound, the
 * permitted subclasses of a sealed type, and its nested classes (serialization
 * proxies), each again; the JDK's own classes are not walked into. A field declared
 * with an abstract type, or {@code Object}, reaches none of the classes that may fill
 * it: their packages must be allowed.
 */
final class DeclaredTypeClasses {

	// Bounds the walk of a pathological type graph; a real one reaches a few dozen classes.
	private static final int MAX_TYPES = 10_000;

	private static final Set<String> JAVA_LANG = Set.of("java.lang.Boolean", "java.lang.Byte",
			"java.lang.Character", "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float",
			"java.lang.Double", "java.lang.Number", "java.lang.String", "java.lang.StringBuilder",
			"java.lang.StringBuffer", "java.lang.Enum", "java.lang.Object",
			"java.lang.String$CaseInsensitiveComparator");

	// What Hibernate and JDBC drivers put in java.util.Date fields, and what a Calendar holds.
	private static final Set<String> OTHER_JDK_VALUES = Set.of("java.sql.Date", "java.sql.Time",
			"java.sql.Timestamp", "sun.util.calendar.ZoneInfo");

	private final Type declaredType;

	private final Set<Class<?>> reachable;

	private final List<String> allowedPackages;

	DeclaredTypeClasses(Type declaredType, List<String> allowedPackages) {
		this.declaredType = declaredType;
		this.reachable = Collections.unmodifiableSet(reach(declaredType));
		this.allowedPackages = List.copyOf(allowedPackages);
	}

	/** Whether a class named in a stream may be read: itself, or an array's component. */
	boolean permits(Class<?> serialClass) {
		Class<?> type = serialClass;
		while (type.isArray()) {
			type = type.getComponentType();
		}
		if (type.isPrimitive()) {
			return true;
		}
		// A proxy's invocation handler would run on any call to it; no value needs one.
		if (Proxy.isProxyClass(type)) {
			return false;
		}
		return this.reachable.contains(type) || isJdkValue(type) || isInAllowedPackage(type);
	}

	/** The classes the declared type reaches, for tests and messages. */
	Set<Class<?>> reachable() {
		return this.reachable;
	}

	/** Why {@code serialClass} was refused, and what would allow it. */
	String rejection(Class<?> serialClass) {
		if (Proxy.isProxyClass(serialClass)) {
			return "a dynamic proxy, " + serialClass.getName() + ", which no cached value needs";
		}
		String allowed = this.allowedPackages.isEmpty() ? "none" : String.join(", ", this.allowedPackages);
		return "class " + serialClass.getName() + " is neither reached by the declared type "
				+ this.declaredType.getTypeName() + " nor in an allowed package (" + allowed + "); if the "
				+ "application wrote it, allow its package with stampede.codec.allowed-packages="
				+ serialClass.getPackageName();
	}

	/** Whether a class is one of the JDK's value types, which any declared type may hold. */
	static boolean isJdkValue(Class<?> type) {
		String packageName = type.getPackageName();
		return switch (packageName) {
			case "java.util", "java.math" -> true;
			case "java.lang" -> JAVA_LANG.contains(type.getName());
			default -> within(packageName, "java.time") || within(packageName, "java.util.concurrent")
					|| OTHER_JDK_VALUES.contains(type.getName());
		};
	}

	private boolean isInAllowedPackage(Class<?> type) {
		String packageName = type.getPackageName();
		for (String allowed : this.allowedPackages) {
			if (within(packageName, allowed)) {
				return true;
			}
		}
		return false;
	}

	private static boolean within(String packageName, String root) {
		return packageName.startsWith(root)
				&& (packageName.length() == root.length() || packageName.charAt(root.length()) == '.');
	}

	private static Set<Class<?>> reach(Type declaredType) {
		Set<Class<?>> classes = new HashSet<>();
		Set<String> seen = new HashSet<>();
		Deque<ResolvableType> pending = new ArrayDeque<>();
		pending.push(ResolvableType.forType(declaredType));
		while (!pending.isEmpty() && seen.size() < MAX_TYPES) {
			ResolvableType type = pending.pop();
			if (type == ResolvableType.NONE || !seen.add(type.toString())) {
				continue;
			}
			if (type.isArray()) {
				pending.push(type.getComponentType());
				continue;
			}
			for (ResolvableType generic : type.getGenerics()) {
				pending.push(generic);
			}
			Class<?> resolved = type.resolve();
			if (resolved == null || resolved == Object.class || resolved.isPrimitive() || !classes.add(resolved)) {
				continue;
			}
			if (isJdk(resolved) || resolved.isEnum()) {
				// The JDK's serialized forms are its value types or nothing a value needs; an enum is
				// read by name, none of its fields.
				continue;
			}
			walkInto(type, resolved, pending);
		}
		return classes;
	}

	private static void walkInto(ResolvableType type, Class<?> resolved, Deque<ResolvableType> pending) {
		try {
			pending.push(type.getSuperType());
			for (Field field : resolved.getDeclaredFields()) {
				int modifiers = field.getModifiers();
				if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers)) {
					pending.push(ResolvableType.forField(field, type));
				}
			}
			Class<?>[] permitted = resolved.getPermittedSubclasses();
			if (permitted != null) {
				for (Class<?> subclass : permitted) {
					pending.push(ResolvableType.forClass(subclass));
				}
			}
			for (Class<?> nested : resolved.getDeclaredClasses()) {
				if (Serializable.class.isAssignableFrom(nested)) {
					pending.push(ResolvableType.forClass(nested));
				}
			}
		}
		catch (LinkageError | SecurityException ex) {
			// A field whose type is missing from the class path reaches nothing that could be read.
		}
	}

	private static boolean isJdk(Class<?> type) {
		String packageName = type.getPackageName();
		return within(packageName, "java") || within(packageName, "javax") || within(packageName, "jdk")
				|| within(packageName, "sun") || within(packageName, "com.sun");
	}

}
