package dev.stampede.backend;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.function.Supplier;

import dev.stampede.Envelope;
import dev.stampede.LoadEstimate;
import dev.stampede.StampedeBackendException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

/**
 * A backend behind a circuit breaker (Resilience4j's). After {@code failureThreshold}
 * consecutive failures it stops sending requests for {@code openFor}, so that calls go
 * straight to their failure policy instead of each paying the operation timeout;
 * then one probe request decides whether to close again.
 * <p>
 * Only a {@link StampedeBackendException} counts as a failure and only an answer as a
 * success. Anything else the backend throws (an interrupted caller's
 * {@link dev.stampede.StampedeInterruptedException}, an {@link Error}, a value too
 * large) says nothing of the backend's health: it neither opens nor closes the
 * circuit, and a probe that ends that way leaves the next call to probe.
 */
public final class CircuitBreakingBackend extends ForwardingBackend {

	private final CircuitBreaker breaker;

	private final Duration openFor;

	/**
	 * Guards {@code delegate}.
	 * @param delegate the backend
	 * @param failureThreshold consecutive failures that open the circuit
	 * @param openFor how long an open circuit rejects requests before a probe
	 */
	public CircuitBreakingBackend(StampedeBackend delegate, int failureThreshold, Duration openFor) {
		super(delegate);
		this.openFor = openFor;
		this.breaker = CircuitBreaker.of("stampede-" + delegate.name(), CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(failureThreshold)
			.minimumNumberOfCalls(failureThreshold)
			.failureRateThreshold(100)
			.waitDurationInOpenState(openFor)
			.permittedNumberOfCallsInHalfOpenState(1)
			.recordExceptions(StampedeBackendException.class)
			.ignoreException((ex) -> !(ex instanceof StampedeBackendException))
			.build());
	}

	/** State of the circuit: {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}. */
	public CircuitBreaker.State circuitState() {
		return this.breaker.getState();
	}

	/** The guarded backend. */
	public StampedeBackend getDelegate() {
		return delegate();
	}

	@Override
	public Slot read(String key, Type valueType) {
		return guarded(() -> delegate().read(key, valueType));
	}

	@Override
	public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl, LoadEstimate estimate) {
		return guarded(() -> delegate().tryLease(key, observed, token, leaseTtl, estimate));
	}

	@Override
	public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
		return guarded(() -> delegate().fulfilLease(cache, key, token, envelope, ttl));
	}

	@Override
	public void abandonLease(String cache, String key, String token) {
		run(() -> delegate().abandonLease(cache, key, token));
	}

	@Override
	public boolean tryRefreshLease(String key, String token, Duration leaseTtl) {
		return guarded(() -> delegate().tryRefreshLease(key, token, leaseTtl));
	}

	@Override
	public boolean replace(String key, long version, Envelope envelope, Duration ttl) {
		return guarded(() -> delegate().replace(key, version, envelope, ttl));
	}

	@Override
	public void releaseRefreshLease(String key, String token) {
		run(() -> delegate().releaseRefreshLease(key, token));
	}

	@Override
	public void evict(String key) {
		run(() -> delegate().evict(key));
	}

	@Override
	public long generation(String key) {
		return guarded(() -> delegate().generation(key));
	}

	@Override
	public long nextGeneration(String key) {
		return guarded(() -> delegate().nextGeneration(key));
	}

	@Override
	public void publishEviction(String cache, String key) {
		run(() -> delegate().publishEviction(cache, key));
	}

	private void run(Runnable operation) {
		guarded(() -> {
			operation.run();
			return null;
		});
	}

	// Resilience4j's decorators record only Exceptions: an Error thrown by a half-open probe
	// would keep its permit, and the circuit would reject every call until restart.
	private <T> T guarded(Supplier<T> operation) {
		try {
			this.breaker.acquirePermission();
		}
		catch (CallNotPermittedException ex) {
			throw new StampedeBackendException("The " + name() + " backend is skipped: its circuit opened after "
					+ "consecutive failures, and it is probed again within " + this.openFor.toMillis() + " ms", ex);
		}
		long start = this.breaker.getCurrentTimestamp();
		T result;
		try {
			result = operation.get();
		}
		catch (Throwable ex) {
			this.breaker.onError(elapsedSince(start), this.breaker.getTimestampUnit(), ex);
			throw ex;
		}
		this.breaker.onSuccess(elapsedSince(start), this.breaker.getTimestampUnit());
		return result;
	}

	private long elapsedSince(long start) {
		return this.breaker.getCurrentTimestamp() - start;
	}

}
