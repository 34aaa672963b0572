package dev.stampede;

import java.time.Clock;

import dev.stampede.backend.StampedeBackend;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the caller that won a key's lease does with the value it loaded. It always
 * gives the lease back, by its value, by the key's fail-safe value, or by releasing it:
 * on a loader exception, on a value it does not store, and on any failure of the write,
 * whatever the thread's interrupt flag. A value it could not store is still returned,
 * uncached.
 */
final class Winner {

	private static final Logger logger = LoggerFactory.getLogger(Stampede.class);

	private final StampedeBackend backend;

	private final Clock clock;

	private final Failures failures;

	Winner(StampedeBackend backend, Clock clock, Failures failures) {
		this.backend = backend;
		this.clock = clock;
		this.failures = failures;
	}

	/**
	 * The load under the lease {@code token} holds ended: stores its value; or, when it
	 * failed and the key's fail-safe value is still within its window, writes that back
	 * fresh for {@code fail-safe-throttle} and answers with it; else gives the lease back
	 * and throws the failure.
	 * @param fallback the key's fail-safe value, read before the lease was taken
	 */
	LoadTimeouts.Answer complete(Resolution resolution, String token, @Nullable Envelope fallback,
			@Nullable Object value, @Nullable Throwable failure) throws Throwable {
		try {
			if (failure == null) {
				store(resolution, token, value);
				return new LoadTimeouts.Answer(value, Outcome.LOADED);
			}
			long now = this.clock.millis();
			Envelope kept = (fallback != null && FailSafe.covers(failure))
					? FailSafe.throttled(fallback, resolution.settings(), now) : null;
			if (kept == null) {
				abandon(resolution, token);
				throw failure;
			}
			keep(resolution, token, kept, now);
			this.failures.servedFallback(resolution, failure);
			return new LoadTimeouts.Answer(kept.value(), Outcome.FAIL_SAFE);
		}
		finally {
			resolution.stats().leaseEnded(resolution.keyString());
		}
	}

	// Fenced as any value is: an eviction while the load ran is not undone by the fallback either.
	private void keep(Resolution resolution, String token, Envelope kept, long now) {
		Uninterrupted.run(() -> {
			try {
				if (this.backend.fulfilLease(resolution.cache(), resolution.backendKey(), token, kept,
						FailSafe.keepFor(kept, resolution.settings(), now))) {
					resolution.remember(kept);
				}
			}
			catch (StampedeBackendException ex) {
				this.failures.backendFailed(resolution.site(), resolution.keyString(), "keep the fail-safe value of", ex);
				abandon(resolution, token);
			}
			catch (RuntimeException ex) {
				abandon(resolution, token);
				logger.debug("Could not keep the fail-safe value of cache '{}' key '{}'", resolution.cache(),
						resolution.keyString(), ex);
			}
		});
	}

	/** Replaces the lease {@code token} holds by {@code value}, fenced: nothing is written after an eviction. */
	private void store(Resolution resolution, String token, @Nullable Object value) {
		if (!resolution.shouldStore(value)) {
			abandon(resolution, token);
			return;
		}
		Uninterrupted.run(() -> {
			try {
				Envelope envelope = resolution.envelope(value, this.clock.millis());
				if (this.backend.fulfilLease(resolution.cache(), resolution.backendKey(), token, envelope,
						resolution.settings().storageTtl())) {
					resolution.site().loadTimes().record(envelope.loadMillis());
					resolution.remember(envelope);
				}
				else {
					logger.debug("Not storing cache '{}' key '{}': the lease expired or the key was evicted while it "
							+ "was computed", resolution.cache(), resolution.keyString());
				}
			}
			catch (StampedeSerializationException ex) {
				abandon(resolution, token);
				this.failures.notEncodable(resolution, ex);
			}
			catch (StampedeValueTooLargeException ex) {
				abandon(resolution, token);
				this.failures.notStored(resolution, ex);
			}
			catch (StampedeBackendException ex) {
				this.failures.backendFailed(resolution.site(), resolution.keyString(), "store", ex);
				abandon(resolution, token);
			}
			catch (RuntimeException ex) {
				abandon(resolution, token);
				this.failures.storeFailed(resolution, ex);
			}
			catch (Error ex) {
				abandon(resolution, token);
				throw ex;
			}
		});
	}

	// If this fails too, the lease ends by itself after lease-ttl.
	void abandon(Resolution resolution, String token) {
		Uninterrupted.run(() -> {
			try {
				this.backend.abandonLease(resolution.cache(), resolution.backendKey(), token);
			}
			catch (StampedeBackendException ex) {
				this.failures.backendFailed(resolution.site(), resolution.keyString(), "release the lease of", ex);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not release the lease of cache '{}' key '{}'", resolution.cache(),
						resolution.keyString(), ex);
			}
		});
	}

}
