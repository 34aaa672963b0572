package dev.stampede;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ObjectUtils;

/**
 * Builds backend keys from a prefix, a cache name and a key object.
 * <p>
 * The string form of a key object is stable across JVMs by definition: a
 * {@code String} is itself; an {@code Object[]} (several method arguments) is its
 * elements' string forms joined by {@code ,} with {@code ,} and {@code \} in them
 * escaped by {@code \}; a {@code null} element is {@code \0}; no elements at all are
 * {@code \e}, which no list of elements joins to; anything else is its
 * {@code toString()} (arrays: their elements'), which must therefore be stable for
 * the key types you use (records, enums, numbers and strings are).
 * <p>
 * A backend key is {@code <prefix><cache>@<generation>:<key>}; evicting all entries of
 * a cache moves it to a new generation. memcached accepts keys of at most 250 bytes of
 * printable ASCII without spaces. A key outside that (or over 248, leaving room for a
 * two-character suffix of companion keys) is replaced by a readable part of it
 * followed by {@code #} and the SHA-256 of the whole key, which is deterministic and
 * collision-free in practice.
 */
public final class CacheKeys {

	// memcached's limit is 250; backends may add two characters for a key's companion keys.
	static final int MAX_KEY_LENGTH = 248;

	private static final int READABLE_PART = 180;

	// What escaping never writes (it writes a backslash only before ',', '\\' or '0'), so that
	// a method without arguments shares no entry with one called with an empty string.
	private static final String NO_ARGUMENTS = "\\e";

	private final String prefix;

	public CacheKeys(String prefix) {
		this.prefix = prefix;
	}

	/**
	 * Backend key of the key whose {@link #stringForm string form} is {@code keyString}
	 * in generation {@code generation} of {@code cache}.
	 */
	public String backendKey(String cache, long generation, String keyString) {
		return backendKey(generationPrefix(cache, generation), keyString);
	}

	/**
	 * The start of every backend key of one generation of {@code cache}, worked out
	 * once so that building a key on each call is a single concatenation.
	 */
	public GenerationPrefix generationPrefix(String cache, long generation) {
		String text = this.prefix + cache + '@' + generation + ':';
		return new GenerationPrefix(text, isSafe(text));
	}

	/** Backend key of {@code keyString} in the generation that {@code prefix} belongs to. */
	public String backendKey(GenerationPrefix prefix, String keyString) {
		String key = prefix.text() + keyString;
		boolean safe = prefix.safe() && key.length() <= MAX_KEY_LENGTH && hasSafeCharacters(keyString);
		return safe ? key : hashed(key);
	}

	/** Start of every readable backend key of {@code cache}. */
	public String cachePrefix(String cache) {
		return this.prefix + cache + '@';
	}

	/** Backend key that holds the current generation of {@code cache}. */
	public String generationKey(String cache) {
		return safe(this.prefix + cache + "#generation");
	}

	private static String safe(String key) {
		return isSafe(key) ? key : hashed(key);
	}

	/**
	 * Stable string form of a key object, as described on this class.
	 * @throws IllegalArgumentException if the key is {@code null}
	 */
	public static String stringForm(@Nullable Object key) {
		if (key == null) {
			throw new IllegalArgumentException("A cache key must not be null");
		}
		if (key instanceof String string) {
			return string;
		}
		if (key instanceof Object[] parts) {
			if (parts.length == 0) {
				return NO_ARGUMENTS;
			}
			if (parts.length == 1 && parts[0] != null) {
				// One argument, the usual call: its text is the key unless it has something to escape.
				String text = ObjectUtils.nullSafeToString(parts[0]);
				if (!needsEscaping(text)) {
					return text;
				}
			}
			StringBuilder joined = new StringBuilder();
			for (int i = 0; i < parts.length; i++) {
				if (i > 0) {
					joined.append(',');
				}
				appendEscaped(joined, parts[i]);
			}
			return joined.toString();
		}
		return ObjectUtils.nullSafeToString(key);
	}

	private static void appendEscaped(StringBuilder out, @Nullable Object part) {
		if (part == null) {
			out.append("\\0");
			return;
		}
		String text = ObjectUtils.nullSafeToString(part);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == ',' || c == '\\') {
				out.append('\\');
			}
			out.append(c);
		}
	}

	private static boolean needsEscaping(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == ',' || c == '\\') {
				return true;
			}
		}
		return false;
	}

	private static boolean isSafe(String key) {
		return key.length() <= MAX_KEY_LENGTH && hasSafeCharacters(key);
	}

	private static boolean hasSafeCharacters(String key) {
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (c <= ' ' || c >= 0x7f) {
				return false;
			}
		}
		return true;
	}

	private static String hashed(String key) {
		StringBuilder readable = new StringBuilder(MAX_KEY_LENGTH);
		for (int i = 0; i < key.length() && readable.length() < READABLE_PART; i++) {
			char c = key.charAt(i);
			readable.append((c <= ' ' || c >= 0x7f) ? '_' : c);
		}
		return readable.append('#').append(HexFormat.of().formatHex(sha256(key))).toString();
	}

	private static byte[] sha256(String key) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
		}
	}

	/**
	 * The start of the backend keys of one generation of a cache.
	 * @param text the prefix, cache name and generation, ending in {@code :}
	 * @param safe whether memcached can store keys that start with it unchanged
	 */
	public record GenerationPrefix(String text, boolean safe) {
	}

}
