package dev.stampede;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

final class Settings {

	private Settings() {
	}

	static Duration requirePositive(String setting, @Nullable Duration value) {
		if (value == null) {
			throw new InvalidSettingException(setting, "must be set");
		}
		if (value.isNegative() || value.isZero()) {
			throw new InvalidSettingException(setting, "must be longer than 0, was " + value.toMillis() + " ms");
		}
		return value;
	}

	static Duration requireNotNegative(String setting, @Nullable Duration value) {
		if (value == null) {
			throw new InvalidSettingException(setting, "must be set");
		}
		if (value.isNegative()) {
			throw new InvalidSettingException(setting, "must not be negative, was " + value.toMillis() + " ms");
		}
		return value;
	}

	static <T> T require(String setting, @Nullable T value) {
		if (value == null) {
			throw new InvalidSettingException(setting, "must be set");
		}
		return value;
	}

}
