package dev.stampede.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Spring's cache abstraction on Stampede, under {@code stampede.spring-cache}.
 */
@ConfigurationProperties("stampede.spring-cache")
public class StampedeCacheProperties {

	/**
	 * Whether Stampede provides the application's CacheManager, so that @Cacheable
	 * methods read and load through Stampede caches. Backs off when the application
	 * defines a CacheManager of its own.
	 */
	private boolean enabled = false;

	/**
	 * Caches to create at start-up, so that they are listed before they are used; other
	 * caches are created when first used. Each is tuned by stampede.caches.<name>.*.
	 */
	private List<String> cacheNames = new ArrayList<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getCacheNames() {
		return this.cacheNames;
	}

	public void setCacheNames(List<String> cacheNames) {
		this.cacheNames = cacheNames;
	}

}
