package dev.stampede.actuate;

import dev.stampede.actuate.StampedeHealthCheck.Result;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code stampede} health indicator on Spring Boot 4: the {@link StampedeHealthCheck}
 * in Boot's health types.
 */
public class StampedeHealthIndicator implements HealthIndicator {

	private final StampedeHealthCheck check;

	/**
	 * Creates an indicator.
	 * @param check the check to run on each health request
	 */
	public StampedeHealthIndicator(StampedeHealthCheck check) {
		this.check = check;
	}

	@Override
	public Health health() {
		Result result = this.check.check();
		return Health.status(result.up() ? Status.UP : Status.DOWN).withDetails(result.details()).build();
	}

}
