package dev.stampede.test;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.CacheEvent;
import dev.stampede.CacheSettings;
import dev.stampede.Loader;
import dev.stampede.Stampede;
import dev.stampede.test.Stampedes.CallResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stampede of 10,000 virtual threads on one cold key, split between two engines that
 * share the store: each engine's callers join its flight, and the owner of the flight
 * that does not win the lease waits for the other's. One load, every caller gets its
 * value, no virtual thread is pinned to its carrier in Stampede's own code, and nothing
 * of a stampede stays behind. A backend passes by extending this class.
 */
abstract class VirtualThreadStampedeContract extends EngineSuite {

	private static final int CALLERS = 10_000;

	private static final int ENGINES = 2;

	private static final String CACHE = "virtual";

	// The smallest object a 64-bit JVM allocates with default settings: retaining anything per
	// caller costs at least this.
	private static final long SMALLEST_OBJECT_BYTES = 16;

	private static final CacheSettings SETTINGS = CacheSettings.builder()
		.ttl(Duration.ofMinutes(1))
		.leaseTtl(Duration.ofSeconds(30))
		.maxWait(Stampedes.BOUND)
		.backoffMax(Duration.ofMillis(50))
		.build();

	@Test
	void tenThousandVirtualThreadsOnAColdKeyMakeOneLoadThatEveryCallerGetsWithoutPinningInStampede(
			TestReporter reporter) throws Exception {
		List<Stampede> engines = engines();
		// Classes are loaded and initialised before recording: a virtual thread that waits for
		// another to initialise a class is pinned, once, whoever's the class.
		stampede(engines, uniqueKey());
		PinnedVirtualThreads.Recorded<Round> recorded = PinnedVirtualThreads
			.during(() -> stampede(engines, uniqueKey()));
		assertOneLoadServedEveryCaller(recorded.result());
		assertThat(recorded.result().joined()).isEqualTo(CALLERS - ENGINES);
		assertNothingUnderWay(engines);
		recorded.elsewhere().forEach((pin) -> reporter.publishEntry("pinned outside Stampede", pin.toString()));
		assertThat(recorded.inStampede()).as("virtual threads pinned in Stampede's code").isEmpty();
	}

	// Retaining anything per caller would grow the heap by at least CALLERS small objects a
	// round; the clients' own pools settle in the first rounds, which are not measured.
	@Test
	void repeatedStampedesLeaveNothingBehind() throws Exception {
		List<Stampede> engines = engines();
		int settlingRounds = 2;
		int measuredRounds = 4;
		List<WeakReference<Object>> loadedValues = new ArrayList<>();
		long heapBefore = 0;
		for (int i = 0; i < settlingRounds + measuredRounds; i++) {
			String key = uniqueKey();
			loadedValues.add(new WeakReference<>(stampedeOnce(engines, key)));
			engines.get(0).evict(CACHE, key);
			assertNothingUnderWay(engines);
			if (i == settlingRounds - 1) {
				heapBefore = heapAfterGc();
			}
		}
		long growth = heapAfterGc() - heapBefore;
		assertThat(growth).as("heap growth after %d stampedes of %d callers", measuredRounds, CALLERS)
			.isLessThan(measuredRounds * CALLERS * SMALLEST_OBJECT_BYTES);
		await().atMost(Stampedes.BOUND).until(() -> {
			heapAfterGc();
			return loadedValues.stream().allMatch((value) -> value.get() == null);
		});
	}

	/** Creates the engines of a stampede: each on its own backend instance of the shared store. */
	private List<Stampede> engines() {
		List<Stampede> engines = new ArrayList<>();
		for (int i = 0; i < ENGINES; i++) {
			engines.add(engine(createBackend(), SETTINGS));
		}
		return engines;
	}

	// The value this round loaded, once every caller was checked to have it: the only
	// reference the caller keeps.
	private Object stampedeOnce(List<Stampede> engines, String key) throws Exception {
		Round round = stampede(engines, key);
		assertOneLoadServedEveryCaller(round);
		return round.loaded();
	}

	private static void assertOneLoadServedEveryCaller(Round round) {
		assertThat(round.loads()).as("loads").isEqualTo(1);
		assertThat(round.failures()).isEmpty();
		assertThat(round.values()).hasSize(CALLERS).containsOnly(round.loaded());
	}

	/**
	 * Starts {@link #CALLERS} virtual threads that call the engines in turn, releases them
	 * together and collects what each got. The loader answers once every other caller has
	 * joined a flight, so that all of them are under way on the cold key at once.
	 */
	private Round stampede(List<Stampede> engines, String key) throws Exception {
		AtomicInteger loads = new AtomicInteger();
		long joinedBefore = engines.stream().mapToLong((engine) -> stats(engine, CacheEvent.JOINED)).sum();
		String loaded = new String("value of " + key);
		Loader<String, InterruptedException> loader = () -> {
			loads.incrementAndGet();
			long deadline = System.nanoTime() + Stampedes.BOUND.toNanos();
			while (engines.stream().mapToLong((engine) -> stats(engine, CacheEvent.JOINED)).sum()
					- joinedBefore < CALLERS - ENGINES && System.nanoTime() - deadline < 0) {
				Thread.sleep(1);
			}
			return loaded;
		};
		CountDownLatch go = new CountDownLatch(1);
		List<Future<Object>> callers = new ArrayList<>(CALLERS);
		ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
		try {
			for (int i = 0; i < CALLERS; i++) {
				Stampede engine = engines.get(i % ENGINES);
				callers.add(virtualThreads.submit(() -> {
					go.await();
					return engine.get(CACHE, key, loader);
				}));
			}
			go.countDown();
			long deadline = System.nanoTime() + Stampedes.BOUND.toNanos();
			List<Object> values = new ArrayList<>(CALLERS);
			List<Throwable> failures = new ArrayList<>();
			for (Future<Object> caller : callers) {
				CallResult result = outcome(caller, deadline);
				if (result.failure() != null) {
					failures.add(result.failure());
				}
				else {
					values.add(result.value());
				}
			}
			long joined = engines.stream().mapToLong((engine) -> stats(engine, CacheEvent.JOINED)).sum() - joinedBefore;
			return new Round(loaded, loads.get(), joined, values, failures);
		}
		finally {
			virtualThreads.shutdownNow();
		}
	}

	private static CallResult outcome(Future<Object> caller, long deadline) {
		try {
			return new CallResult(caller.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), null);
		}
		catch (ExecutionException ex) {
			return new CallResult(null, ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new AssertionError("A caller did not return within " + Stampedes.BOUND.toSeconds() + " s", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private static void assertNothingUnderWay(List<Stampede> engines) {
		for (Stampede engine : engines) {
			assertThat(engine.inspection().inFlightCount()).as("flights under way").isZero();
			assertThat(engine.inspection().waitingCount()).as("callers waiting for a lease").isZero();
			assertThat(engine.inspection().stats(CACHE).leasesHeld()).as("leases held").isZero();
		}
	}

	private static long stats(Stampede engine, CacheEvent event) {
		return engine.inspection().cacheNames().contains(CACHE) ? engine.inspection().stats(CACHE).count(event) : 0;
	}

	// Full collections until an object known to be garbage is gone: what is left is what is reachable.
	private static long heapAfterGc() {
		for (int i = 0; i < 3; i++) {
			WeakReference<Object> garbage = new WeakReference<>(new Object());
			for (int attempt = 0; attempt < 10 && garbage.get() != null; attempt++) {
				System.gc();
			}
			assertThat(garbage.get()).as("garbage left after explicit collections").isNull();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	private record Round(Object loaded, int loads, long joined, List<Object> values, List<Throwable> failures) {
	}

}
