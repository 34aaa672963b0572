package dev.stampede.test;

import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.CacheSettings;
import dev.stampede.CacheStats;
import dev.stampede.Envelope;
import dev.stampede.CacheEvent;
import dev.stampede.RefreshMode;
import dev.stampede.Stampede;
import dev.stampede.StampedeBackendException;
import dev.stampede.StampedeInterruptedException;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.ForwardingBackend;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.test.HoldingBackend.Hold;
import dev.stampede.test.HoldingBackend.Operation;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine's guarantees under interleavings and failures forced on purpose, on every
 * backend: an eviction is never undone for calls that start after it, an interrupt
 * stops only the caller whose thread it is and is never a backend failure, every lease
 * is given back on every path, including a failed write and an engine that closes with
 * refreshes still queued. A backend passes by extending this class.
 */
public abstract class EngineGuaranteeContract extends EngineSuite {

	private static final String CACHE = "guarantees";

	private static final CacheSettings SETTINGS = CacheSettings.builder()
		.ttl(Duration.ofMinutes(1))
		.leaseTtl(Duration.ofSeconds(30))
		.maxWait(Duration.ofSeconds(20))
		.backoffMax(Duration.ofMillis(50))
		.build();


	// Guarantee: after evict(key) returns, no call in this JVM returns the old value.
	@RepeatedTest(3)
	void aCallThatStartsAfterAnEvictionNeverGetsTheValueComputedBeforeIt() throws Exception {
		Stampede engine = engine(createBackend(), SETTINGS, Clock.systemUTC());
		String key = uniqueKey();
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch finishLoad = new CountDownLatch(1);
		FutureTask<Object> winner = start(() -> engine.get(CACHE, key, () -> {
			loading.countDown();
			finishLoad.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
			return "old";
		}));
		assertThat(loading.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		engine.evict(CACHE, key);
		// This call starts after the eviction returned.
		FutureTask<Object> after = start(() -> engine.get(CACHE, key, () -> "new"));
		await().atMost(Stampedes.BOUND).until(() -> stats(engine).count(CacheEvent.JOINED) == 1 || after.isDone());
		finishLoad.countDown();
		assertThat(winner.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("old");
		assertThat(after.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("new");
	}

	// Guarantee: an interrupt stops only its own caller, with StampedeInterruptedException and
	// the flag kept; the callers that joined its flight get the value; it is no backend failure.
	@RepeatedTest(3)
	void anInterruptThatArrivesWhileTheOwnerTalksToTheBackendStopsOnlyTheOwner() throws Exception {
		HoldingBackend held = new HoldingBackend(createBackend());
		Stampede engine = engine(held, SETTINGS, Clock.systemUTC());
		String key = uniqueKey();
		// The engine knows the cache's generation already, so the owner's next operation is the key's read.
		engine.inspection().backendKey(CACHE, key);
		Hold hold = held.holdAfter(Operation.READ, key);
		AtomicBoolean interruptKept = new AtomicBoolean();
		FutureTask<Object> owner = new FutureTask<>(() -> {
			try {
				return engine.get(CACHE, key, () -> "loaded by the owner");
			}
			finally {
				interruptKept.set(Thread.currentThread().isInterrupted());
			}
		});
		Thread ownerThread = new Thread(owner, "flight-owner");
		ownerThread.start();
		hold.awaitReached();
		List<FutureTask<Object>> joined = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			joined.add(start(() -> engine.get(CACHE, key, () -> "loaded by a joined caller")));
		}
		await().atMost(Stampedes.BOUND)
			.until(() -> stats(engine).count(CacheEvent.JOINED) >= 2 || joined.stream().allMatch(FutureTask::isDone));
		// The interrupt arrives while the owner is between two backend operations: the read
		// has been answered, the lease is still to be taken.
		ownerThread.interrupt();
		hold.release();
		for (FutureTask<Object> caller : joined) {
			assertThat(outcome(caller)).isInstanceOf(String.class);
		}
		assertThat(stats(engine).count(CacheEvent.BACKEND_ERROR)).isZero();
		// A lease the server took before the owner's interrupted reply is given back, not waited out.
		assertThat(stats(engine).count(CacheEvent.WAIT_TIMEOUT)).isZero();
		try {
			owner.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			assertThat(ex.getCause()).isInstanceOf(StampedeInterruptedException.class);
		}
		assertThat(interruptKept).isTrue();
		assertThat(engine.inspection().inFlightCount()).isZero();
	}

	// Guarantee: every lease is given back on every path, a write the backend failed included.
	@Test
	void aWinnerWhoseWriteFailsOnTheBackendGivesItsLeaseBack() throws Exception {
		FlakyBackend flaky = new FlakyBackend(createBackend());
		Stampede engine = engine(flaky, SETTINGS, Clock.systemUTC());
		String key = uniqueKey();
		String backendKey = engine.inspection().backendKey(CACHE, key);
		flaky.failNextFulfil.set(true);
		assertThat(engine.get(CACHE, key, () -> "value")).isEqualTo("value");
		assertThat(flaky.failNextFulfil).isFalse();
		assertThat(stats(engine).leasesHeld()).isZero();
		// The lease is not left to expire after lease-ttl: the next caller may load at once.
		assertThat(flaky.read(backendKey)).isNotInstanceOf(Slot.Leased.class);
	}

	// Guarantee: every lease is given back on every path, a refresh that meets a backend failure included.
	@Test
	void aRefreshLeaseTakenJustBeforeABackendFailureIsGivenBack() throws Exception {
		MutableClock clock = new MutableClock();
		FlakyBackend flaky = new FlakyBackend(createBackend());
		CacheSettings stale = CacheSettings.from(SETTINGS).staleTtl(Duration.ofMinutes(10)).build();
		Stampede engine = engine(flaky, stale, clock);
		String key = uniqueKey();
		assertThat(engine.get(CACHE, key, () -> "v1")).isEqualTo("v1");
		clock.advance(Duration.ofMinutes(2));
		// The backend fails once, on the read that follows taking the refresh lease.
		flaky.failReadAfterRefreshLease.set(true);
		assertThat(engine.get(CACHE, key, () -> "v2")).isEqualTo("v1");
		assertThat(flaky.failReadAfterRefreshLease).isFalse();
		// The backend answers again: the next stale read refreshes the value.
		AtomicInteger loads = new AtomicInteger();
		assertThat(engine.get(CACHE, key, () -> {
			loads.incrementAndGet();
			return "v3";
		})).isEqualTo("v3");
		assertThat(loads).hasValue(1);
	}

	// Guarantee: an engine closed while calls are under way leaves no lease held, here or on the backend.
	@Test
	void anEngineClosedWithARefreshStillQueuedLeavesNoLeaseHeld() throws Exception {
		MutableClock clock = new MutableClock();
		CacheSettings stale = CacheSettings.from(SETTINGS)
			.staleTtl(Duration.ofMinutes(10))
			.refresh(RefreshMode.ASYNC)
			.build();
		StampedeBackend backend = createBackend();
		// One refresh thread: the second refresh waits in the queue.
		Stampede engine = engine(backend,
				new Stampede(backend, new StampedeSettings(stale, Map.of()), keyPrefix(), clock, 1, 16));
		Stampede other = engine(createBackend(), stale, clock);
		String busy = uniqueKey();
		String queued = uniqueKey();
		assertThat(engine.get(CACHE, busy, () -> "busy-1")).isEqualTo("busy-1");
		assertThat(engine.get(CACHE, queued, () -> "queued-1")).isEqualTo("queued-1");
		clock.advance(Duration.ofMinutes(2));
		CountDownLatch refreshing = new CountDownLatch(1);
		CountDownLatch finishRefresh = new CountDownLatch(1);
		assertThat(engine.get(CACHE, busy, () -> {
			refreshing.countDown();
			awaitUninterruptibly(finishRefresh);
			return "busy-2";
		})).isEqualTo("busy-1");
		assertThat(refreshing.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(engine.get(CACHE, queued, () -> "queued-2")).isEqualTo("queued-1");
		assertThat(stats(engine).leasesHeld()).isEqualTo(2);
		engine.close();
		finishRefresh.countDown();
		// The queued key's refresh lease is not left on the backend until lease-ttl: another engine refreshes it.
		AtomicInteger loads = new AtomicInteger();
		other.get(CACHE, queued, () -> {
			loads.incrementAndGet();
			return "queued-3";
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> loads.get() == 1);
		// Nor does the closed engine count a lease as held for ever.
		await().atMost(Duration.ofSeconds(10)).until(() -> stats(engine).leasesHeld() == 0);
	}


	private static CacheStats stats(Stampede engine) {
		return engine.inspection().stats(CACHE);
	}

	private static Object outcome(FutureTask<Object> call) throws Exception {
		try {
			return call.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		boolean interrupted = false;
		long deadline = System.nanoTime() + Stampedes.BOUND.toNanos();
		while (latch.getCount() > 0 && System.nanoTime() < deadline) {
			try {
				latch.await(100, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}



	/**
	 * Passes every operation to a real backend, and fails one chosen operation once, as
	 * a server that times out on one request and then answers again.
	 */
	private static final class FlakyBackend extends ForwardingBackend {

		final AtomicBoolean failNextFulfil = new AtomicBoolean();

		final AtomicBoolean failReadAfterRefreshLease = new AtomicBoolean();

		private final AtomicBoolean refreshLeaseTaken = new AtomicBoolean();

		FlakyBackend(StampedeBackend delegate) {
			super(delegate);
		}

		@Override
		public Slot read(String key, Type valueType) {
			if (this.refreshLeaseTaken.compareAndSet(true, false)
					&& this.failReadAfterRefreshLease.compareAndSet(true, false)) {
				throw new StampedeBackendException("read of '" + key + "' timed out", null);
			}
			return delegate().read(key, valueType);
		}

		@Override
		public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
			if (this.failNextFulfil.compareAndSet(true, false)) {
				throw new StampedeBackendException("write of '" + key + "' timed out", null);
			}
			return delegate().fulfilLease(cache, key, token, envelope, ttl);
		}

		@Override
		public boolean tryRefreshLease(String key, String token, Duration leaseTtl) {
			boolean taken = delegate().tryRefreshLease(key, token, leaseTtl);
			if (taken && this.failReadAfterRefreshLease.get()) {
				this.refreshLeaseTaken.set(true);
			}
			return taken;
		}

	}

}
