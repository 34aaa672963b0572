package dev.stampede.test;

import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.CacheEvent;
import dev.stampede.Stampede;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalEngineTest extends EngineContract {

	private static final String LOCAL_CACHE = "local";

	// Engines in one JVM share the in-process store, as a real application's would.
	private final LocalBackend store = new LocalBackend(10_000);

	@Override
	protected StampedeBackend createBackend() {
		return this.store;
	}

	@Test
	void aWaiterIsWokenAsSoonAsTheWinnerWrites() throws Exception {
		assertWaitersAreWokenByTheWinner();
	}

	// Fresh hits skip the single flight, and engines skip re-reading the generation: both
	// must still see an eviction made by another engine on the very next call.
	@Test
	void anotherEnginesEvictionIsSeenOnTheNextCall() throws Exception {
		Stampede reader = engine(SETTINGS);
		Stampede evicting = engine(SETTINGS);
		AtomicInteger loads = new AtomicInteger();
		reader.get(LOCAL_CACHE, "one", () -> "v" + loads.incrementAndGet());
		reader.get(LOCAL_CACHE, "two", () -> "v" + loads.incrementAndGet());
		assertThat(reader.get(LOCAL_CACHE, "one", () -> "not loaded")).isEqualTo("v1");

		evicting.evict(LOCAL_CACHE, "one");
		assertThat(reader.get(LOCAL_CACHE, "one", () -> "v" + loads.incrementAndGet())).isEqualTo("v3");
		evicting.evictAll(LOCAL_CACHE);
		assertThat(reader.get(LOCAL_CACHE, "two", () -> "v" + loads.incrementAndGet())).isEqualTo("v4");
		assertThat(reader.get(LOCAL_CACHE, "one", () -> "v" + loads.incrementAndGet())).isEqualTo("v5");
	}

	@Test
	void aFreshHitIsCountedOnceAsAHit() throws Exception {
		Stampede engine = engine(SETTINGS);
		engine.get(LOCAL_CACHE, "key", () -> "value");
		long hitsBefore = engine.inspection().stats(LOCAL_CACHE).count(CacheEvent.HIT);
		long missesBefore = engine.inspection().stats(LOCAL_CACHE).count(CacheEvent.MISS);

		for (int i = 0; i < 10; i++) {
			assertThat(engine.get(LOCAL_CACHE, "key", () -> "not loaded")).isEqualTo("value");
		}

		assertThat(engine.inspection().stats(LOCAL_CACHE).count(CacheEvent.HIT) - hitsBefore).isEqualTo(10);
		assertThat(engine.inspection().stats(LOCAL_CACHE).count(CacheEvent.MISS) - missesBefore).isZero();
	}

}
