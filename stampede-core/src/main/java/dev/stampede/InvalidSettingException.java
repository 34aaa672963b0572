package dev.stampede;

/**
 * Raised when a setting has a value that cannot work, such as a negative duration or
 * a jitter above 1. Names the setting so that configuration can point at the property.
 */
public class InvalidSettingException extends IllegalArgumentException {

	private final String setting;

	private final String reason;

	public InvalidSettingException(String setting, String reason) {
		super(setting + ": " + reason);
		this.setting = setting;
		this.reason = reason;
	}

	/** Setting that is wrong, in the kebab-case form of its configuration key, e.g. {@code backoff.max}. */
	public String getSetting() {
		return this.setting;
	}

	/** What is wrong with the value and what it should be. */
	public String getReason() {
		return this.reason;
	}

	/** The same problem, with the setting's name under {@code prefix}, such as {@code caches.products.}. */
	public InvalidSettingException under(String prefix) {
		return new InvalidSettingException(prefix + this.setting, this.reason);
	}

}
