package dev.stampede.autoconfigure.boot3;

import dev.stampede.actuate.StampedeHealthCheck;
import dev.stampede.actuate.StampedeHealthCheck.Result;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * The {@code stampede} health indicator on Spring Boot 3: the {@link StampedeHealthCheck}
 * in Boot 3's health types.
 */
public class Boot3StampedeHealthIndicator implements HealthIndicator {

	private final StampedeHealthCheck check;

	/**
	 * Creates an indicator.
	 * @param check the check to run on each health request
	 */
	public Boot3StampedeHealthIndicator(StampedeHealthCheck check) {
		this.check = check;
	}

	@Override
	public Health health() {
		Result result = this.check.check();
		return Health.status(result.up() ? Status.UP : Status.DOWN).withDetails(result.details()).build();
	}

}
