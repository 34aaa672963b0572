package dev.stampede.test;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import dev.stampede.Envelope;
import dev.stampede.LoadEstimate;
import dev.stampede.backend.ForwardingBackend;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import org.jspecify.annotations.Nullable;

/**
 * A backend that passes every operation to a real one and can hold the calling
 * thread right after one chosen operation returned, so that a test can force an
 * interleaving that timing alone would rarely produce: the operation has happened on
 * the server, and the caller has not yet acted on its answer.
 */
public final class HoldingBackend extends ForwardingBackend {

	/** An operation after which a thread can be held. */
	public enum Operation {

		/** {@link StampedeBackend#read}. */
		READ,

		/** {@link StampedeBackend#fulfilLease}. */
		FULFIL_LEASE,

		/** {@link StampedeBackend#generation}. */
		GENERATION,

		/** {@link StampedeBackend#tryLease}, which the hold can also make fail. */
		TRY_LEASE

	}

	private final AtomicReference<@Nullable Hold> armed = new AtomicReference<>();

	private volatile @Nullable BooleanSupplier leaseRefusal;

	public HoldingBackend(StampedeBackend delegate) {
		super(delegate);
	}

	/**
	 * Holds the next thread that completes {@code operation} on a key containing
	 * {@code keyPart}, until the returned hold is released.
	 */
	public Hold holdAfter(Operation operation, String keyPart) {
		Hold hold = new Hold(operation, keyPart);
		this.armed.set(hold);
		return hold;
	}

	/** While {@code refuse} answers {@code true}, every lease attempt fails as if another caller had won it. */
	public void refuseLeasesWhile(BooleanSupplier refuse) {
		this.leaseRefusal = refuse;
	}

	@Override
	public Slot read(String key, Type valueType) {
		return after(Operation.READ, key, delegate().read(key, valueType));
	}

	@Override
	public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl, LoadEstimate estimate) {
		BooleanSupplier refusal = this.leaseRefusal;
		if (refusal != null && refusal.getAsBoolean()) {
			return after(Operation.TRY_LEASE, key, false);
		}
		return after(Operation.TRY_LEASE, key, delegate().tryLease(key, observed, token, leaseTtl, estimate));
	}

	@Override
	public boolean fulfilLease(String cache, String key, String token, Envelope envelope, Duration ttl) {
		return after(Operation.FULFIL_LEASE, key, delegate().fulfilLease(cache, key, token, envelope, ttl));
	}

	@Override
	public long generation(String key) {
		return after(Operation.GENERATION, key, delegate().generation(key));
	}

	private <T> T after(Operation operation, String key, T result) {
		Hold hold = this.armed.get();
		if (hold != null && hold.operation == operation && key.contains(hold.keyPart)
				&& this.armed.compareAndSet(hold, null)) {
			hold.reached.countDown();
			try {
				if (!hold.released.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)) {
					throw new IllegalStateException("A held " + operation + " was never released");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return result;
	}

	/** A thread held after an operation, or waiting to be. */
	public static final class Hold {

		private final Operation operation;

		private final String keyPart;

		private final CountDownLatch reached = new CountDownLatch(1);

		private final CountDownLatch released = new CountDownLatch(1);

		Hold(Operation operation, String keyPart) {
			this.operation = operation;
			this.keyPart = keyPart;
		}

		/** Waits until a thread is held here. */
		public void awaitReached() throws InterruptedException {
			if (!this.reached.await(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS)) {
				throw new IllegalStateException("No thread reached " + this.operation + " on '" + this.keyPart + "'");
			}
		}

		/** Lets the held thread go on. */
		public void release() {
			this.released.countDown();
		}

	}

}
