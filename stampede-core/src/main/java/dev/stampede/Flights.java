package dev.stampede;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

/**
 * Single flight: concurrent calls for one key in this JVM share one resolution, so
 * only one thread per key talks to the backend. The first caller owns the flight; the
 * others join it and get its value or its exception. Every flight that is registered
 * here is removed again on every path: landed, failed, handed over, or forgotten once
 * the load of a flight answered early ended.
 */
final class Flights {

	/**
	 * Returned to a joined caller whose flight's owner stopped without an answer (its
	 * thread was interrupted): the caller starts or joins a new flight.
	 */
	static final Object REATTEMPT = new Object();

	private final Map<String, Flight> inFlight = new ConcurrentHashMap<>();

	/**
	 * Registers {@code flight} for {@code backendKey} unless one is under way.
	 * @return the flight under way, which the caller joins, or {@code null} when the caller owns {@code flight}
	 */
	@Nullable Flight join(String backendKey, Flight flight) {
		while (true) {
			Flight current = this.inFlight.putIfAbsent(backendKey, flight);
			if (current == null || !current.isOverdue()) {
				return current;
			}
			this.inFlight.remove(backendKey, current);
		}
	}

	/**
	 * Hands {@code value} to every caller that joined, each of which ends as
	 * {@code outcome}; later calls start their own flight. A flight answered already
	 * (its owner answered the callers that joined before it went on to load, or a timeout
	 * did) keeps its first answer and outcome, and stays registered until it is forgotten.
	 */
	void land(String backendKey, Flight flight, @Nullable Object value, Outcome outcome) {
		if (flight.isSettled()) {
			return;
		}
		// Removed first: once a caller has its answer, the next call starts a flight of its own.
		this.inFlight.remove(backendKey, flight);
		flight.settle(value, outcome);
	}

	/** Hands {@code failure} to every caller that joined, unless they have their answer already. */
	void fail(String backendKey, Flight flight, Throwable failure) {
		this.inFlight.remove(backendKey, flight);
		flight.settleExceptionally(unwrap(failure));
	}

	/**
	 * The owner stopped for a reason of its own (an interrupt): the callers that joined
	 * go on without it, one of them owning a new flight.
	 */
	void handOver(String backendKey, Flight flight) {
		this.inFlight.remove(backendKey, flight);
		flight.settleExceptionally(Reattempt.INSTANCE);
	}

	/**
	 * Hands {@code value} to every caller that joined, and to every caller that joins
	 * until the flight is {@link #forget forgotten}, each of which ends as {@code outcome}:
	 * an answer given before the flight's load ended, which goes on. A flight that has
	 * its answer already keeps it.
	 * @param keptUntil on {@link System#nanoTime()}, when later calls stop joining the flight
	 * even if it was not forgotten: its load can no longer store then
	 */
	void answer(Flight flight, @Nullable Object value, Outcome outcome, long keptUntil) {
		flight.keptUntil = keptUntil;
		flight.settle(value, outcome);
	}

	/** Later calls start their own flight: the load of a flight answered early ended. */
	void forget(String backendKey, Flight flight) {
		this.inFlight.remove(backendKey, flight);
	}

	/**
	 * The key was evicted: a flight under way began before, so later calls must not
	 * join it. Its owner still answers the callers that joined it already.
	 */
	void detach(String backendKey) {
		this.inFlight.remove(backendKey);
	}

	/** Fails every flight under way, when the engine closes. */
	void failAll(Throwable failure) {
		this.inFlight.forEach((key, flight) -> fail(key, flight, failure));
	}

	int size() {
		return this.inFlight.size();
	}

	List<String> keys(String prefix, int limit) {
		return this.inFlight.keySet().stream().filter((key) -> key.startsWith(prefix)).sorted().limit(limit).toList();
	}

	/**
	 * Waits for a joined flight.
	 * @return its value, or {@link #REATTEMPT}
	 * @throws StampedeInterruptedException if this caller's thread is interrupted: only it stops
	 */
	static @Nullable Object await(Flight flight, String cache, String keyString)
			throws Throwable {
		try {
			return flight.get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof Reattempt) {
				return REATTEMPT;
			}
			throw ex.getCause();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new StampedeInterruptedException(
					"Interrupted while waiting for cache '" + cache + "' key '" + keyString + "'", ex);
		}
	}

	/** Whether a joined flight's failure means "start again" rather than an answer. */
	static boolean isReattempt(Throwable failure) {
		return unwrap(failure) instanceof Reattempt;
	}

	static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/**
	 * One resolution's answer, shared by the callers that joined it, with the outcome
	 * they end with.
	 */
	static final class Flight extends CompletableFuture<@Nullable Object> {

		// The first answer wins, with its outcome: a flight answered early, or failed by a
		// closing engine, is not answered again by its load's late end.
		private final AtomicBoolean settled = new AtomicBoolean();

		private volatile Outcome outcome = Outcome.ERROR;

		// Zero unless answered early, whose load's lease ends then.
		private volatile long keptUntil;

		/** How the callers that joined this flight end, once it completed normally. */
		Outcome outcome() {
			return this.outcome;
		}

		boolean isOverdue() {
			long until = this.keptUntil;
			return until != 0 && System.nanoTime() - until >= 0;
		}

		boolean isSettled() {
			return this.settled.get();
		}

		void settle(@Nullable Object value, Outcome outcome) {
			if (this.settled.compareAndSet(false, true)) {
				this.outcome = outcome;
				complete(value);
			}
		}

		void settleExceptionally(Throwable failure) {
			if (this.settled.compareAndSet(false, true)) {
				completeExceptionally(failure);
			}
		}

	}

	/** Signal, not an error: no stack trace, one instance. */
	private static final class Reattempt extends RuntimeException {

		static final Reattempt INSTANCE = new Reattempt();

		private Reattempt() {
			super("the flight's owner stopped; start again", null, false, false);
		}

	}

}
