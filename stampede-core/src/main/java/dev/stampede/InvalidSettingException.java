package dev.stampede;

/**
 * Raised when a setting has a value that cannot work, such as a negative duration or
 * a jitter above 1. Names the setting so that configuration can point at the property.
 */
public class InvalidSettingException extends IllegalArgumentException {

	private final String setting;

	public InvalidSettingException(String setting, String message) {
		super(setting + ": " + message);
		this.setting = setting;
	}

	/** Setting that is wrong, in the kebab-case form of its configuration key, e.g. {@code backoff.max}. */
	public String getSetting() {
		return this.setting;
	}

}
