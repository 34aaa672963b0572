package dev.stampede.actuate;

import java.util.concurrent.TimeUnit;

import dev.stampede.Stampede;
import dev.stampede.StampedeBackendException;
import dev.stampede.backend.CircuitBreakingBackend;
import dev.stampede.backend.StampedeBackend;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of Stampede's backend: a read of a probe key, with its round-trip time. An
 * unreachable backend is reported as {@code DOWN} only when it takes protected
 * methods down with it; otherwise ({@code on-backend-failure: call-through}) the
 * methods keep working, so the status stays {@code UP} and the details say the
 * backend is down.
 */
public class StampedeHealthIndicator implements HealthIndicator {

	private static final String PROBE_KEY = "stampede-health-probe";

	private final Stampede stampede;

	private final boolean downWhenBackendDown;

	/**
	 * Creates an indicator.
	 * @param stampede the engine whose backend to probe
	 * @param downWhenBackendDown whether an unreachable backend makes this indicator {@code DOWN}
	 */
	public StampedeHealthIndicator(Stampede stampede, boolean downWhenBackendDown) {
		this.stampede = stampede;
		this.downWhenBackendDown = downWhenBackendDown;
	}

	@Override
	public Health health() {
		StampedeBackend backend = this.stampede.inspection().backend();
		long start = System.nanoTime();
		Health.Builder health;
		try {
			backend.read(PROBE_KEY);
			double millis = (System.nanoTime() - start) / (double) TimeUnit.MILLISECONDS.toNanos(1);
			health = Health.up()
				.withDetail("backend", backend.name())
				.withDetail("backendStatus", "UP")
				.withDetail("roundTripMillis", Math.round(millis * 100) / 100.0);
		}
		catch (StampedeBackendException ex) {
			health = (this.downWhenBackendDown ? Health.down() : Health.up()).withDetail("backend", backend.name())
				.withDetail("backendStatus", "DOWN")
				.withDetail("error", ex.getMessage())
				.withDetail("protectedMethods", this.downWhenBackendDown ? "failing" : "calling through");
		}
		if (backend instanceof CircuitBreakingBackend circuit) {
			health.withDetail("circuit", circuit.circuitState().name());
		}
		return health.build();
	}

}
