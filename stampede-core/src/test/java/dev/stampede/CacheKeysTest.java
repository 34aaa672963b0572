package dev.stampede;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CacheKeysTest {

	private final CacheKeys keys = new CacheKeys("app:");

	@Test
	void aKeyMemcachedAcceptsIsUsedAsItIs() {
		assertThat(this.keys.backendKey("products", 7, "42")).isEqualTo("app:products@7:42");
		assertThat(this.keys.generationKey("products")).isEqualTo("app:products#generation");
	}

	@Test
	void keysMemcachedRejectsAreHashedIntoAReadableValidKey() {
		for (String key : List.of("x".repeat(300), "with space", "ключ", "tab\there", "new\nline")) {
			String backendKey = this.keys.backendKey("products", 7, key);
			assertThat(backendKey).hasSizeLessThanOrEqualTo(248)
				.startsWith("app:products@7:")
				.matches("[\\x21-\\x7e]+")
				.matches(".*#[0-9a-f]{64}");
			assertThat(this.keys.backendKey("products", 7, key)).isEqualTo(backendKey);
		}
	}

	@Test
	void keysThatDifferOnlyPastTheReadablePartStayDistinct() {
		String common = "x".repeat(300);
		assertThat(this.keys.backendKey("c", 0, common + "a")).isNotEqualTo(this.keys.backendKey("c", 0, common + "b"));
		assertThat(this.keys.backendKey("c", 1, common)).isNotEqualTo(this.keys.backendKey("c", 2, common));
	}

	@Test
	void severalArgumentsAreJoinedWithoutAmbiguity() {
		String joined = CacheKeys.stringForm(new Object[] { "a", "b" });
		String single = CacheKeys.stringForm(new Object[] { "a,b" });
		assertThat(joined).isEqualTo("a,b");
		assertThat(single).isEqualTo("a\\,b");
		assertThat(CacheKeys.stringForm(new Object[] { "a\\", "b" })).isNotEqualTo(CacheKeys.stringForm(new Object[] { "a\\,b" }));
		assertThat(CacheKeys.stringForm(new Object[] { null, 1 })).isEqualTo("\\0,1");
		assertThat(CacheKeys.stringForm(new Object[0])).isEqualTo("\\e");
		assertThat(CacheKeys.stringForm(new Object[] { "\\e" })).isEqualTo("\\\\e");
	}

	@Test
	void noArgumentsAndOneEmptyArgumentAreDifferentArgumentLists() {
		// Two methods on one cache without a key, find() and find(""), must not share an entry.
		assertThat(CacheKeys.stringForm(new Object[0])).isNotEqualTo(CacheKeys.stringForm(new Object[] { "" }));
	}

	@Test
	void oneArgumentIsItsOwnTextUnlessItHasSomethingToEscape() {
		String id = "p1";
		assertThat(CacheKeys.stringForm(new Object[] { id })).isSameAs(id);
		assertThat(CacheKeys.stringForm(new Object[] { 42 })).isEqualTo("42");
		assertThat(CacheKeys.stringForm(new Object[] { "a\\b" })).isEqualTo("a\\\\b");
		assertThat(CacheKeys.stringForm(new Object[] { null })).isEqualTo("\\0");
		assertThat(CacheKeys.stringForm(new Object[] { new int[] { 1, 2 } })).isEqualTo("{1\\, 2}");
	}

	@Test
	void arraysAreKeyedByTheirContent() {
		assertThat(CacheKeys.stringForm(new int[] { 1, 2 })).isEqualTo(CacheKeys.stringForm(new int[] { 1, 2 }))
			.isEqualTo("{1, 2}");
		assertThat(CacheKeys.stringForm(new Object[] { new long[] { 3 }, "x" })).isEqualTo("{3},x");
	}

	@Test
	void aNullKeyIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> CacheKeys.stringForm(null))
			.withMessageContaining("must not be null");
	}

}
