package dev.stampede;

import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.stampede.backend.ForwardingBackend;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What a {@link StampedeObserver} is told of loads and waits: each started and stopped
 * exactly once, a load current around its loader, a wait with the lease's holder and how
 * the call went on, an asynchronous call's with the caller's context; nothing on a hit.
 */
class StampedeObserverTest {

	private static final Duration HELD = Duration.ofMinutes(1);

	private final ExecutorService callers = Executors.newCachedThreadPool();

	@AfterEach
	void stopCallers() {
		this.callers.shutdownNow();
	}

	@Test
	void aLoadIsCurrentWhileTheLoaderRunsAndAHitIsNeitherALoadNorAWait() {
		Recording observer = new Recording();
		try (Stampede engine = new Stampede(new AcrossANetwork(new LocalBackend(100)))) {
			engine.addObserver(observer);
			assertThat(engine.get("c", "key", () -> "loaded while " + observer.current.get())).isEqualTo(
					"loaded while load c key");
			assertThat(engine.get("c", "key", () -> "never")).isEqualTo("loaded while load c key");
			assertThat(engine.getAsync("c", "key", () -> CompletableFuture.completedFuture("never")).join())
				.isEqualTo("loaded while load c key");
		}
		assertThat(observer.told).containsExactly("start load c key, parent null", "stop load c key");
		assertThat(observer.current.get()).isNull();
	}

	@Test
	void aLoaderThatThrowsEndsItsLoadWithItsException() {
		Recording observer = new Recording();
		try (Stampede engine = new Stampede(new LocalBackend(100))) {
			engine.addObserver(observer);
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> engine.get("c", "key", () -> {
					throw new IllegalStateException("database down");
				}));
		}
		assertThat(observer.told).containsExactly("start load c key, parent null",
				"error load c key: IllegalStateException", "stop load c key");
	}

	@Test
	void aWaitNamesTheHolderOfTheLeaseAndEndsWithTheHoldersValue() throws Exception {
		LocalBackend backend = new LocalBackend(100);
		Recording observer = new Recording();
		try (Stampede engine = engine(new NamingHolders(backend, "web-3:4711"), Duration.ofSeconds(20))) {
			engine.addObserver(observer);
			String key = hold(engine, backend);
			Future<Object> call = this.callers.submit(() -> engine.get("c", "key", () -> "not this one"));
			await().atMost(Duration.ofSeconds(10)).until(() -> engine.inspection().waitingCount() == 1);
			assertThat(observer.told).containsExactly("start wait c key, parent null");
			backend.fulfilLease("c", key, "holder", new Envelope("the holder's", Long.MAX_VALUE, Long.MAX_VALUE, 5),
					HELD);
			assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("the holder's");
		}
		assertThat(observer.told).containsExactly("start wait c key, parent null", "held by web-3:4711",
				"outcome WAITED", "stop wait c key");
	}

	@Test
	void aWaitThatRunsOutEndsBeforeTheCallThroughLoads() {
		LocalBackend backend = new LocalBackend(100);
		Recording observer = new Recording();
		try (Stampede engine = engine(backend, Duration.ofMillis(100))) {
			engine.addObserver(observer);
			hold(engine, backend);
			assertThat(engine.get("c", "key", () -> "called through")).isEqualTo("called through");
		}
		assertThat(observer.told).containsExactly("start wait c key, parent null", "outcome CALL_THROUGH",
				"stop wait c key", "start load c key, parent null", "stop load c key");
	}

	@Test
	void aWaitForALeaseThatEndedWithoutAValueEndsBeforeTheCallerLoads() {
		LocalBackend backend = new LocalBackend(100);
		Recording observer = new Recording();
		try (Stampede engine = engine(backend, Duration.ofSeconds(20))) {
			engine.addObserver(observer);
			assertThat(backend.tryLease(engine.inspection().backendKey("c", "key"), Slot.EMPTY, "dies",
					Duration.ofMillis(200))).isTrue();
			assertThat(engine.get("c", "key", () -> "taken over")).isEqualTo("taken over");
		}
		assertThat(observer.told).containsExactly("start wait c key, parent null", "outcome LOADED",
				"stop wait c key", "start load c key, parent null", "stop load c key");
	}

	@Test
	void anInterruptedWaitEndsInError() throws Exception {
		LocalBackend backend = new LocalBackend(100);
		Recording observer = new Recording();
		try (Stampede engine = engine(backend, Duration.ofSeconds(20))) {
			engine.addObserver(observer);
			hold(engine, backend);
			Future<Object> call = this.callers.submit(() -> engine.get("c", "key", () -> "never"));
			await().atMost(Duration.ofSeconds(10)).until(() -> engine.inspection().waitingCount() == 1);
			call.cancel(true);
			await().atMost(Duration.ofSeconds(10)).until(() -> observer.told.contains("stop wait c key"));
		}
		assertThat(observer.told).containsExactly("start wait c key, parent null", "outcome ERROR",
				"error wait c key: StampedeInterruptedException", "stop wait c key");
	}

	@Test
	void anAsynchronousCallsWaitAndLoadRunOnEngineThreadsWithTheCallersContext() throws Exception {
		LocalBackend backend = new LocalBackend(100);
		Recording observer = new Recording();
		try (Stampede engine = engine(backend, Duration.ofMillis(100))) {
			engine.addObserver(observer);
			hold(engine, backend);
			observer.current.set("request 7");
			CompletableFuture<Object> call = engine.getAsync("c", "key",
					() -> CompletableFuture.completedFuture("called through while " + observer.current.get()));
			observer.current.remove();
			assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("called through while load c key");
		}
		assertThat(observer.told).containsExactly("start wait c key, parent request 7", "outcome CALL_THROUGH",
				"stop wait c key", "start load c key, parent request 7", "stop load c key");
	}

	@Test
	void aBlockingLoadThatRunsOnALoaderThreadBecauseOfATimeoutHasTheCallersContext() {
		Recording observer = new Recording();
		CacheSettings settings = CacheSettings.builder().hardTimeout(Duration.ofSeconds(5)).build();
		try (Stampede engine = new Stampede(new LocalBackend(100), new StampedeSettings(settings, Map.of()), "",
				Clock.systemUTC())) {
			engine.addObserver(observer);
			observer.current.set("request 8");
			assertThat(engine.get("c", "key", () -> Thread.currentThread().getName() + " while " + observer.current.get()))
				.asString()
				.startsWith("stampede-load-")
				.endsWith(" while load c key");
			observer.current.remove();
		}
		assertThat(observer.told).containsExactly("start load c key, parent request 8", "stop load c key");
	}

	@Test
	void everyObserverIsToldAndOneThatFailsNeitherStopsTheCallNorTheOthers() {
		Recording first = new Recording();
		Recording second = new Recording();
		StampedeObserver failing = new StampedeObserver() {
			@Override
			public Activity loadStarted(String cache, String key, @Nullable Object parent) {
				throw new IllegalStateException("observer failed");
			}
		};
		try (Stampede engine = new Stampede(new LocalBackend(100))) {
			engine.addObserver(first);
			engine.addObserver(failing);
			engine.addObserver(second);
			engine.addObserver(first);
			assertThat(engine.get("c", "key", () -> "loaded")).isEqualTo("loaded");
		}
		assertThat(first.told).containsExactly("start load c key, parent null", "stop load c key");
		assertThat(second.told).isEqualTo(first.told);
	}

	private static String hold(Stampede engine, LocalBackend backend) {
		String key = engine.inspection().backendKey("c", "key");
		assertThat(backend.tryLease(key, Slot.EMPTY, "holder", HELD)).isTrue();
		return key;
	}

	private static Stampede engine(StampedeBackend backend, Duration maxWait) {
		CacheSettings settings = CacheSettings.builder().leaseTtl(Duration.ofMillis(200)).maxWait(maxWait).build();
		return new Stampede(backend, new StampedeSettings(settings, Map.of()), "", Clock.systemUTC());
	}

	/** Records what it is told as lines, and keeps a current activity per thread as a tracer would. */
	private static final class Recording implements StampedeObserver {

		final List<String> told = new CopyOnWriteArrayList<>();

		final ThreadLocal<String> current = new ThreadLocal<>();

		@Override
		public Activity loadStarted(String cache, String key, @Nullable Object parent) {
			return started("load " + cache + " " + key, parent);
		}

		@Override
		public Activity waitStarted(String cache, String key, @Nullable Object parent) {
			return started("wait " + cache + " " + key, parent);
		}

		@Override
		public @Nullable Object captureContext() {
			return this.current.get();
		}

		private Activity started(String name, @Nullable Object parent) {
			this.told.add("start " + name + ", parent " + parent);
			return new Activity() {

				@Override
				public Scope open() {
					String before = Recording.this.current.get();
					Recording.this.current.set(name);
					return () -> Recording.this.current.set(before);
				}

				@Override
				public void heldBy(String holder) {
					Recording.this.told.add("held by " + holder);
				}

				@Override
				public void outcome(Outcome outcome) {
					Recording.this.told.add("outcome " + outcome);
				}

				@Override
				public void error(Throwable error) {
					Recording.this.told.add("error " + name + ": " + error.getClass().getSimpleName());
				}

				@Override
				public void stop() {
					Recording.this.told.add("stop " + name);
				}

			};
		}

	}

	/** A backend whose values are read through a flight, as those of a shared store are. */
	private static final class AcrossANetwork extends ForwardingBackend {

		AcrossANetwork(StampedeBackend delegate) {
			super(delegate);
		}

		@Override
		public boolean isInProcess() {
			return false;
		}

	}

	/** Leases that name their holder, as those of a store of records do. */
	private static final class NamingHolders extends ForwardingBackend {

		private final String holder;

		NamingHolders(StampedeBackend delegate, String holder) {
			super(delegate);
			this.holder = holder;
		}

		@Override
		public Slot read(String key, Type valueType) {
			Slot slot = super.read(key, valueType);
			return (slot instanceof Slot.Leased lease) ? new Slot.Leased(lease.token(), lease.estimate(), this.holder)
					: slot;
		}

	}

}
