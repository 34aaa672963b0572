package dev.stampede.backend;

import java.lang.reflect.Type;
import java.time.Duration;

import dev.stampede.Envelope;
import dev.stampede.LoadEstimate;

/**
 * A backend that passes every operation to another, for decorators that change a
 * few of them: override those, the rest forward.
 */
public abstract class ForwardingBackend implements StampedeBackend {

	private final StampedeBackend delegate;

	protected ForwardingBackend(StampedeBackend delegate) {
		this.delegate = delegate;
	}

	/** The backend operations are passed to. */
	protected StampedeBackend delegate() {
		return this.delegate;
	}

	@Override
	public String name() {
		return this.delegate.name();
	}

	@Override
	public boolean isInProcess() {
		return this.delegate.isInProcess();
	}

	@Override
	public Slot read(String key, Type valueType) {
		return this.delegate.read(key, valueType);
	}

	// One way in, so that a decorator changes lease attempts by overriding the other alone.
	@Override
	public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl) {
		return tryLease(key, observed, token, leaseTtl, LoadEstimate.UNKNOWN);
	}

	@Override
	public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl, LoadEstimate estimate) {
		return this.delegate.tryLease(key, observed, token, leaseTtl, estimate);
	}

	@Override
	public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
		return this.delegate.fulfilLease(cache, key, token, envelope, ttl);
	}

	@Override
	public void abandonLease(String cache, String key, String token) {
		this.delegate.abandonLease(cache, key, token);
	}

	@Override
	public boolean tryRefreshLease(String key, String token, Duration leaseTtl) {
		return this.delegate.tryRefreshLease(key, token, leaseTtl);
	}

	@Override
	public boolean replace(String key, long version, Envelope envelope, Duration ttl) {
		return this.delegate.replace(key, version, envelope, ttl);
	}

	@Override
	public void releaseRefreshLease(String key, String token) {
		this.delegate.releaseRefreshLease(key, token);
	}

	@Override
	public void evict(String key) {
		this.delegate.evict(key);
	}

	@Override
	public long generation(String key) {
		return this.delegate.generation(key);
	}

	@Override
	public long nextGeneration(String key) {
		return this.delegate.nextGeneration(key);
	}

	@Override
	public void publishEviction(String cache, String key) {
		this.delegate.publishEviction(cache, key);
	}

	@Override
	public AutoCloseable subscribe(KeyEventListener listener) {
		return this.delegate.subscribe(listener);
	}

	@Override
	public Duration minimumLeaseTtl() {
		return this.delegate.minimumLeaseTtl();
	}

	@Override
	public Duration maximumTtl() {
		return this.delegate.maximumTtl();
	}

	@Override
	public void close() {
		this.delegate.close();
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

}
