package dev.stampede;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes values that are stale, or fresh but due for early refresh, while they
 * are served. One caller across every JVM takes the key's refresh lease, which lives
 * beside the value so the value stays readable; it refreshes inline (it pays the load,
 * the callers that joined it do not) or hands the refresh to the refresh pool. The new
 * value replaces the old only if the old is still the version that was read, so an
 * eviction or a newer value is never undone. A failed refresh keeps its lease until
 * {@code lease-ttl}, which spaces the next attempt, and the old value is served on; with
 * {@code fail-safe-ttl}, the old value is written back fresh for
 * {@code fail-safe-throttle} instead, so that every JVM serves it without trying again
 * until then. An inline refresh is waited for up to the cache's {@link LoadTimeouts}.
 */
final class Refresher {

	private static final Logger logger = LoggerFactory.getLogger(Stampede.class);

	private final StampedeBackend backend;

	private final Clock clock;

	private final Failures failures;

	private final EngineThreads threads;

	private final Supplier<String> tokens;

	private final LoadTimeouts timeouts;

	Refresher(StampedeBackend backend, Clock clock, Failures failures, EngineThreads threads,
			Supplier<String> tokens, LoadTimeouts timeouts) {
		this.backend = backend;
		this.clock = clock;
		this.failures = failures;
		this.threads = threads;
		this.tokens = tokens;
		this.timeouts = timeouts;
	}

	/**
	 * Tries to take the refresh lease of a value this caller read.
	 * @param servedAs how a caller served the value it read ends: a hit, or stale
	 * @return the value to answer with now, or, for a blocking caller that refreshes
	 * inline, a {@link LeaseLoop.Refreshing} step
	 */
	LeaseLoop.Step begin(Resolution resolution, Slot.Present present, Outcome servedAs) {
		Object current = present.envelope().value();
		String token = this.tokens.get();
		try {
			if (!this.backend.tryRefreshLease(resolution.backendKey(), token, resolution.settings().leaseTtl())) {
				return new LeaseLoop.Done(current, servedAs);
			}
			// Another caller may have refreshed it between this caller's read and its lease.
			if (this.backend.read(resolution.backendKey(), resolution.site().declaredType()) instanceof Slot.Present now
					&& now.version() != present.version()) {
				release(resolution, token);
				return resolution.isUsable(now.envelope()) ? new LeaseLoop.Done(now.envelope().value(), Outcome.HIT)
						: new LeaseLoop.Done(current, servedAs);
			}
		}
		catch (RuntimeException ex) {
			// Whether or not the server took the refresh lease before this failed, release it by its token.
			release(resolution, token);
			if (!(ex instanceof StampedeBackendException failure)) {
				throw ex;
			}
			this.failures.backendFailed(resolution.site(), resolution.keyString(), "take the refresh lease of",
					failure);
			return new LeaseLoop.Done(current, servedAs);
		}
		resolution.stats().leaseTaken(resolution.keyString());
		if (resolution.isAsync()) {
			// Nothing waits for it: the load's own completion stores the value, on the scheduler
			// rather than on whatever thread completed the load.
			resolution.startLoad()
				.whenCompleteAsync((value, failure) -> finish(resolution, present, token, value,
						(failure != null) ? Flights.unwrap(failure) : null),
						EngineThreads.orCallingThread(this.threads.scheduler()));
			return new LeaseLoop.Done(current, servedAs);
		}
		if (resolution.settings().refresh() == RefreshMode.ASYNC) {
			try {
				this.threads.refreshes().execute(new QueuedRefresh(resolution, present, token));
			}
			catch (RejectedExecutionException ex) {
				logger.debug("Refresh queue full; serving cache '{}' key '{}' as it is", resolution.cache(),
						resolution.keyString());
				resolution.stats().leaseEnded(resolution.keyString());
				release(resolution, token);
			}
			return new LeaseLoop.Done(current, servedAs);
		}
		return new LeaseLoop.Refreshing(present, token, servedAs);
	}

	/** Gives back the refresh leases of refreshes that were queued but will never run: the engine closed. */
	void dropped(List<Runnable> neverRun) {
		for (Runnable task : neverRun) {
			if (task instanceof QueuedRefresh refresh) {
				refresh.resolution.stats().leaseEnded(refresh.resolution.keyString());
				release(refresh.resolution, refresh.token);
			}
		}
	}

	/**
	 * Refreshes for the blocking caller that holds the refresh lease, waiting for the
	 * load up to the cache's timeouts, and returns what that caller serves: the new value,
	 * or the current one when the refresh failed or ran past a timeout.
	 * @throws StampedeInterruptedException when this thread is interrupted while it waits
	 * for a load that runs on a loader thread: the load goes on
	 */
	LoadTimeouts.Answer refresh(Resolution resolution, Slot.Present present, String token) throws Throwable {
		return this.timeouts.load(resolution, present.envelope(),
				(value, failure) -> finish(resolution, present, token, value, failure));
	}

	private LoadTimeouts.Answer finish(Resolution resolution, Slot.Present present, String token,
			@Nullable Object value, @Nullable Throwable failure) {
		if (failure != null) {
			resolution.stats().leaseEnded(resolution.keyString());
			resolution.stats().record(CacheEvent.REFRESH_ERROR);
			Envelope kept = resolution.settings().failSafeTtl().isZero() || !FailSafe.covers(failure) ? null
					: FailSafe.throttled(present.envelope(), resolution.settings(), this.clock.millis());
			if (kept == null) {
				logger.warn("Refreshing cache '{}' key '{}' failed; serving the current value until it expires: {}",
						resolution.cache(), resolution.keyString(), failure.toString());
			}
			else {
				Uninterrupted.run(() -> {
					try {
						keep(resolution, present, kept);
					}
					finally {
						release(resolution, token);
					}
				});
				this.failures.servedFallback(resolution, failure);
			}
			return new LoadTimeouts.Answer(present.envelope().value(), Outcome.FAIL_SAFE);
		}
		resolution.stats().record(CacheEvent.REFRESH);
		Uninterrupted.run(() -> {
			try {
				store(resolution, present, value);
			}
			finally {
				release(resolution, token);
				resolution.stats().leaseEnded(resolution.keyString());
			}
		});
		return new LoadTimeouts.Answer(value, Outcome.LOADED);
	}

	// Fenced at the version that was refreshed, as a refreshed value is.
	private void keep(Resolution resolution, Slot.Present present, Envelope kept) {
		try {
			if (this.backend.replace(resolution.backendKey(), present.version(), kept,
					FailSafe.keepFor(kept, resolution.settings(), this.clock.millis()))) {
				resolution.remember(kept);
			}
		}
		catch (StampedeBackendException ex) {
			this.failures.backendFailed(resolution.site(), resolution.keyString(), "keep the fail-safe value of", ex);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not keep the fail-safe value of cache '{}' key '{}'", resolution.cache(),
					resolution.keyString(), ex);
		}
	}

	private void store(Resolution resolution, Slot.Present present, @Nullable Object value) {
		if (!resolution.shouldStore(value)) {
			return;
		}
		try {
			Envelope envelope = resolution.envelope(value, this.clock.millis());
			if (this.backend.replace(resolution.backendKey(), present.version(), envelope,
					resolution.settings().storageTtl())) {
				resolution.remember(envelope);
			}
		}
		catch (StampedeSerializationException ex) {
			this.failures.notEncodable(resolution, ex);
		}
		catch (StampedeValueTooLargeException ex) {
			this.failures.notStored(resolution, ex);
		}
		catch (StampedeBackendException ex) {
			this.failures.backendFailed(resolution.site(), resolution.keyString(), "store the refreshed value of", ex);
		}
		catch (RuntimeException ex) {
			this.failures.storeFailed(resolution, ex);
		}
	}

	private void release(Resolution resolution, String token) {
		Uninterrupted.run(() -> {
			try {
				this.backend.releaseRefreshLease(resolution.backendKey(), token);
			}
			catch (StampedeBackendException ex) {
				this.failures.backendFailed(resolution.site(), resolution.keyString(), "release the refresh lease of",
						ex);
			}
			catch (RuntimeException ex) {
				// The refresh lease then ends by itself after lease-ttl; the value stands.
				logger.debug("Could not release the refresh lease of cache '{}' key '{}'", resolution.cache(),
						resolution.keyString(), ex);
			}
		});
	}

	/** A refresh waiting for a thread of the refresh pool, holding its refresh lease. */
	private final class QueuedRefresh implements Runnable {

		private final Resolution resolution;

		private final Slot.Present present;

		private final String token;

		QueuedRefresh(Resolution resolution, Slot.Present present, String token) {
			this.resolution = resolution;
			this.present = present;
			this.token = token;
		}

		// Nobody waits for it: no timeout applies.
		@Override
		public void run() {
			Object value;
			try {
				value = this.resolution.load();
			}
			catch (Throwable ex) {
				finish(this.resolution, this.present, this.token, null, ex);
				return;
			}
			finish(this.resolution, this.present, this.token, value, null);
		}

	}

}
