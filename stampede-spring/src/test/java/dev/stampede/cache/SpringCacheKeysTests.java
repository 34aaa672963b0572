package dev.stampede.cache;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.springframework.cache.interceptor.SimpleKey;

import static org.assertj.core.api.Assertions.assertThat;

class SpringCacheKeysTests {

	@Test
	void aSingleArgumentIsItsOwnKeyAsWithStampedeProtected() {
		assertThat(SpringCacheKeys.stringForm("shoes")).isEqualTo("shoes");
		assertThat(SpringCacheKeys.stringForm(42L)).isEqualTo("42");
	}

	@Test
	void simpleKeysNameTheirElementCountAndEscapeTheirElements() {
		assertThat(SpringCacheKeys.stringForm(new SimpleKey("shoes", 42))).isEqualTo("\\2[shoes,42]");
		assertThat(SpringCacheKeys.stringForm(SimpleKey.EMPTY)).isEqualTo("\\0[]");
		assertThat(SpringCacheKeys.stringForm(new SimpleKey((Object) null))).isEqualTo("\\1[\\0]");
		assertThat(SpringCacheKeys.stringForm(new SimpleKey("a,b", "c\\"))).isEqualTo("\\2[a\\,b,c\\\\]");
	}

	@Test
	void keysThatSpringTellsApartHaveDifferentForms() {
		List<Object> keys = List.of("a,b", new SimpleKey("a", "b"), new SimpleKey("a,b"), new SimpleKey("a, b"),
				"SimpleKey [a, b]", SimpleKey.EMPTY, new SimpleKey(""), "", new SimpleKey((Object) null), "\\0",
				"\\1[\\0]", "\\0[]", new SimpleKey(new SimpleKey("a", "b"), "c"), new SimpleKey("a", "b", "c"),
				new SimpleKey("a\\", "b"), new SimpleKey("a", "\\b"), new SimpleKey("a\\,b"));
		Set<String> forms = keys.stream().map(SpringCacheKeys::stringForm).collect(Collectors.toSet());
		assertThat(forms).hasSameSizeAs(keys);
	}

	@Test
	void equalKeysHaveEqualForms() {
		assertThat(SpringCacheKeys.stringForm(new SimpleKey("a", 1)))
			.isEqualTo(SpringCacheKeys.stringForm(new SimpleKey("a", 1)));
	}

}
