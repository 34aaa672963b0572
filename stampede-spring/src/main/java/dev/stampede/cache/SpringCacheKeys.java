package dev.stampede.cache;

import java.lang.reflect.Field;

import dev.stampede.CacheKeys;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.util.ReflectionUtils;

/**
 * The string form of a key of Spring's cache abstraction, which the engine stores it
 * under: the same for equal keys in every JVM, and different for different keys.
 * <ul>
 * <li>A {@link SimpleKey} (several arguments, none, or a single {@code null} or array)
 * is {@code \}, the number of its elements, and its elements in brackets, each in its
 * own string form with {@code ,} and {@code \} escaped by {@code \} and a {@code null}
 * written {@code \0}: {@code \2[shoes,42]}, {@code \0[]}, {@code \1[\0]}.</li>
 * <li>Any other key has the engine's form ({@link CacheKeys#stringForm}): a string is
 * itself, anything else its {@code toString()}; one that starts with {@code \} gets
 * another {@code \} in front, so that it never reads as a {@code SimpleKey}.</li>
 * </ul>
 * A single argument is its own key, as with {@code @StampedeProtected(key = "#id")}, so
 * both kinds of method can share a cache's entries. {@code SimpleKey.toString()} is not
 * used: {@code SimpleKey ["a, b"]} and {@code SimpleKey [a, b]} would read alike.
 */
final class SpringCacheKeys {

	// SimpleKey has no accessor for its elements.
	private static final Field ELEMENTS = elementsField();

	private SpringCacheKeys() {
	}

	static String stringForm(Object key) {
		if (key.getClass() == SimpleKey.class) {
			@Nullable Object[] elements = (Object[]) ReflectionUtils.getField(ELEMENTS, key);
			if (elements == null) {
				throw new IllegalStateException("A SimpleKey without elements: " + key);
			}
			StringBuilder form = new StringBuilder().append('\\').append(elements.length).append('[');
			for (int i = 0; i < elements.length; i++) {
				if (i > 0) {
					form.append(',');
				}
				appendEscaped(form, elements[i]);
			}
			return form.append(']').toString();
		}
		String form = CacheKeys.stringForm(key);
		return form.startsWith("\\") ? "\\" + form : form;
	}

	private static void appendEscaped(StringBuilder out, @Nullable Object element) {
		if (element == null) {
			out.append("\\0");
			return;
		}
		String text = stringForm(element);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == ',' || c == '\\') {
				out.append('\\');
			}
			out.append(c);
		}
	}

	private static Field elementsField() {
		Field field = ReflectionUtils.findField(SimpleKey.class, "params", Object[].class);
		if (field == null) {
			throw new IllegalStateException("This version of Spring's SimpleKey keeps its elements where Stampede "
					+ "cannot read them; key @Cacheable methods of more than one argument with a key expression");
		}
		ReflectionUtils.makeAccessible(field);
		return field;
	}

}
