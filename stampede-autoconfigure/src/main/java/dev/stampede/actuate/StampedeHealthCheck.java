package dev.stampede.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.stampede.Stampede;
import dev.stampede.StampedeBackendException;
import dev.stampede.backend.CircuitBreakingBackend;
import dev.stampede.backend.StampedeBackend;

/**
 * Health of Stampede's backend, apart from any Boot line's health types: a read of a
 * probe key, with its round-trip time. An unreachable backend is reported as down
 * only when it takes protected methods down with it; otherwise
 * ({@code on-backend-failure: call-through}) the methods keep working, so the check
 * stays up and the details say the backend is down.
 */
public final class StampedeHealthCheck {

	private static final String PROBE_KEY = "stampede-health-probe";

	private final Stampede stampede;

	private final boolean downWhenBackendDown;

	/**
	 * Creates a check.
	 * @param stampede the engine whose backend to probe
	 * @param downWhenBackendDown whether an unreachable backend makes the check down
	 */
	public StampedeHealthCheck(Stampede stampede, boolean downWhenBackendDown) {
		this.stampede = stampede;
		this.downWhenBackendDown = downWhenBackendDown;
	}

	/**
	 * Probes the backend once.
	 * @return whether Stampede is up, with the details to show
	 */
	public Result check() {
		StampedeBackend backend = this.stampede.inspection().backend();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("backend", backend.name());
		boolean up;
		long start = System.nanoTime();
		try {
			backend.read(PROBE_KEY);
			double millis = (System.nanoTime() - start) / (double) TimeUnit.MILLISECONDS.toNanos(1);
			up = true;
			details.put("backendStatus", "UP");
			details.put("roundTripMillis", Math.round(millis * 100) / 100.0);
		}
		catch (StampedeBackendException ex) {
			up = !this.downWhenBackendDown;
			details.put("backendStatus", "DOWN");
			details.put("error", ex.getMessage());
			details.put("protectedMethods", this.downWhenBackendDown ? "failing" : "calling through");
		}
		if (this.stampede.inspection().isDegraded()) {
			// Values this JVM loaded while the backend failed, which it answers with until the backend answers again.
			details.put("degradedValues", this.stampede.inspection().degradedValueCount());
		}
		if (backend instanceof CircuitBreakingBackend circuit) {
			details.put("circuit", circuit.circuitState().name());
		}
		return new Result(up, details);
	}

	/**
	 * One probe's outcome.
	 * @param up whether Stampede is up
	 * @param details what the probe found, in the order to show it
	 */
	public record Result(boolean up, Map<String, Object> details) {
	}

}
