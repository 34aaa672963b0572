package dev.stampede;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import dev.stampede.backend.StampedeBackend;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key generation of each cache as this JVM knows it. Evicting every entry of a
 * cache moves it to a new generation, so its old keys become unreachable at once.
 * <p>
 * The backend is asked at most once a second per cache and by one thread at a time,
 * the others going on with the generation they know, so that concurrent calls agree
 * on their keys even while the backend fails. A generation only ever moves forward
 * in a JVM: a read that started before this JVM evicted everything cannot put the
 * old generation back. Until the backend has told one, the generation is -1.
 */
final class Generations {

	private static final Logger logger = LoggerFactory.getLogger(Generations.class);

	static final long CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final StampedeBackend backend;

	private final CacheKeys keys;

	private final LongSupplier nanoTime;

	private final Map<String, Generation> generations = new ConcurrentHashMap<>();

	Generations(StampedeBackend backend, CacheKeys keys, LongSupplier nanoTime) {
		this.backend = backend;
		this.keys = keys;
		this.nanoTime = nanoTime;
	}

	/**
	 * The start of the current keys of {@code cache}. Asks the backend when this JVM
	 * knows no generation yet (every caller waits for that one answer) or when the
	 * last answer is over a second old (one caller asks, the others go on). An
	 * in-process backend tells every engine of a new generation, so once known it is
	 * not asked again until then.
	 */
	CacheKeys.GenerationPrefix prefix(String cache) {
		return prefix(generation(cache), cache);
	}

	/** The start of the current keys of the call site's cache, as {@link #prefix(String)} without a look-up. */
	CacheKeys.GenerationPrefix prefix(CallSite site) {
		return prefix(site.generation(), site.cache());
	}

	/**
	 * The start of the current keys of the call site's cache, for a caller that must not
	 * wait for the backend: a check that is due runs on {@code executor} while this call
	 * goes on with the generation it knows, as every caller but one does in
	 * {@link #prefix(CallSite)}.
	 * @return the prefix, or {@code null} when the generation must be read before it is
	 * used, which only {@link #prefix(CallSite)} does
	 */
	CacheKeys.@Nullable GenerationPrefix prefixWithoutWaiting(CallSite site, Executor executor) {
		Generation generation = site.generation();
		if (this.backend.isInProcess()) {
			return prefix(generation, site.cache());
		}
		long now = this.nanoTime.getAsLong();
		if (!generation.upToDate) {
			// Unknown, told outdated, or the backend failed to tell it less than a second ago.
			return (now - generation.checkedAt >= CHECK_INTERVAL_NANOS) ? null : generation.known.get().prefix;
		}
		if (now - generation.checkedAt >= CHECK_INTERVAL_NANOS && generation.reading.compareAndSet(false, true)) {
			try {
				executor.execute(() -> {
					try {
						read(site.cache(), generation, now);
					}
					finally {
						generation.reading.set(false);
					}
				});
			}
			catch (RuntimeException | Error ex) {
				// The next call tries again; this one goes on with what it knows.
				generation.reading.set(false);
			}
		}
		return generation.known.get().prefix;
	}

	/** The generation of {@code cache}, for a call site to keep: it is never replaced. */
	Generation of(String cache) {
		return generation(cache);
	}

	private CacheKeys.GenerationPrefix prefix(Generation generation, String cache) {
		Known known = generation.known.get();
		if (generation.upToDate && this.backend.isInProcess()) {
			return known.prefix;
		}
		long now = this.nanoTime.getAsLong();
		if (generation.upToDate) {
			if (now - generation.checkedAt >= CHECK_INTERVAL_NANOS && generation.reading.compareAndSet(false, true)) {
				try {
					read(cache, generation, now);
				}
				finally {
					generation.reading.set(false);
				}
			}
			return generation.known.get().prefix;
		}
		generation.firstRead.lock();
		try {
			if (!generation.upToDate && now - generation.checkedAt >= CHECK_INTERVAL_NANOS) {
				read(cache, generation, now);
			}
		}
		finally {
			generation.firstRead.unlock();
		}
		return generation.known.get().prefix;
	}

	/**
	 * Moves {@code cache} to a new generation on the backend and here at once.
	 * @throws StampedeBackendException if the backend could not be moved
	 */
	void advance(String cache) {
		Generation generation = generation(cache);
		long told = generation.told.get();
		long next = this.backend.nextGeneration(this.keys.generationKey(cache));
		generation.moveTo(next, this.keys.generationPrefix(cache, next));
		generation.markUpToDate(told, this.nanoTime.getAsLong());
	}

	/** Another JVM moved {@code cache} on: ask the backend on the next call, before using a key. */
	void outdated(String cache) {
		Generation generation = this.generations.get(cache);
		if (generation != null) {
			// Counted first, so that a read under way either sees the count move or is overruled below.
			generation.told.incrementAndGet();
			generation.upToDate = false;
			generation.checkedAt = this.nanoTime.getAsLong() - CHECK_INTERVAL_NANOS;
		}
	}

	private Generation generation(String cache) {
		Generation generation = this.generations.get(cache);
		if (generation == null) {
			generation = this.generations.computeIfAbsent(cache, (name) -> new Generation(
					new Known(-1, this.keys.generationPrefix(name, -1)), this.nanoTime.getAsLong()));
		}
		return generation;
	}

	// A failed read is not retried for a second either, so a backend that is down is not
	// asked on every call.
	private void read(String cache, Generation generation, long now) {
		long told = generation.told.get();
		try {
			long value = this.backend.generation(this.keys.generationKey(cache));
			generation.moveTo(value, this.keys.generationPrefix(cache, value));
			generation.markUpToDate(told, now);
			return;
		}
		catch (StampedeBackendException ex) {
			logger.debug("Could not read the generation of cache '{}': {}", cache, ex.getMessage());
		}
		generation.checkedAt = now;
	}

	private record Known(long number, CacheKeys.GenerationPrefix prefix) {
	}

	static final class Generation {

		final AtomicReference<Known> known;

		final AtomicBoolean reading = new AtomicBoolean();

		final ReentrantLock firstRead = new ReentrantLock();

		volatile boolean upToDate;

		volatile long checkedAt;

		Generation(Known unknown, long now) {
			this.known = new AtomicReference<>(unknown);
			this.checkedAt = now - CHECK_INTERVAL_NANOS;
		}

		// Evictions of the whole cache that another engine or JVM told, counted.
		final AtomicLong told = new AtomicLong();

		// Up to date as of a read that began when told was toldBefore: an eviction told since
		// may be newer than what was read, so the next call reads again.
		void markUpToDate(long toldBefore, long now) {
			this.checkedAt = now;
			this.upToDate = true;
			if (this.told.get() != toldBefore) {
				this.upToDate = false;
				this.checkedAt = now - CHECK_INTERVAL_NANOS;
			}
		}

		void moveTo(long number, CacheKeys.GenerationPrefix prefix) {
			Known next = new Known(number, prefix);
			this.known.accumulateAndGet(next, (current, candidate) -> (candidate.number > current.number) ? candidate
					: current);
		}

	}

}
