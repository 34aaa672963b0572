package dev.stampede.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import dev.stampede.Envelope;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.codec.RecordCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link StampedeBackend} must do, slot by slot. A backend passes by
 * extending this class and creating itself against a real server; a backend on a
 * store that other programs can write extends {@link SharedStoreBackendContract}.
 */
public abstract class BackendContract {

	protected static final Duration LEASE_TTL = Duration.ofSeconds(2);

	private static final Duration TTL = Duration.ofMinutes(1);

	private static final String CACHE = "contract";

	private StampedeBackend backend;

	private final List<AutoCloseable> resources = new ArrayList<>();

	/** Creates the backend under test, connected to a real server where it has one. */
	protected abstract StampedeBackend createBackend();

	@BeforeEach
	void createBackendUnderTest() {
		this.backend = createBackend();
	}

	@AfterEach
	void closeBackendUnderTest() throws Exception {
		this.backend.close();
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
		this.resources.clear();
	}

	/** Closes {@code resource} after the test, once the backend is closed. */
	protected void closeAfterTest(AutoCloseable resource) {
		this.resources.add(resource);
	}

	@Test
	void unknownKeyReadsEmpty() {
		assertThat(this.backend.read(key())).isEqualTo(Slot.EMPTY);
	}

	@Test
	void onlyOneCallerTakesTheLeaseOfAnEmptySlot() {
		String key = key();
		assertThat(this.backend.tryLease(key, Slot.EMPTY, "first", LEASE_TTL)).isTrue();
		assertThat(this.backend.tryLease(key, Slot.EMPTY, "second", LEASE_TTL)).isFalse();
		assertThat(this.backend.read(key)).isEqualTo(new Slot.Leased("first"));
	}

	@Test
	void theHolderReplacesItsLeaseWithTheValue() {
		String key = key();
		this.backend.tryLease(key, Slot.EMPTY, "holder", LEASE_TTL);
		assertThat(this.backend.fulfilLease(CACHE, key, "holder", envelope("value"), TTL)).isTrue();
		assertThat(this.backend.read(key)).isInstanceOfSatisfying(Slot.Present.class,
				(present) -> assertThat(present.envelope()).isEqualTo(envelope("value")));
	}

	@Test
	void aCallerWithoutTheLeaseCannotWriteTheValue() {
		String key = key();
		this.backend.tryLease(key, Slot.EMPTY, "holder", LEASE_TTL);
		assertThat(this.backend.fulfilLease(CACHE, key, "intruder", envelope("wrong"), TTL)).isFalse();
		assertThat(this.backend.read(key)).isEqualTo(new Slot.Leased("holder"));
	}

	@Test
	void aLeaseIsReleasedOnlyByItsHolder() {
		String key = key();
		this.backend.tryLease(key, Slot.EMPTY, "holder", LEASE_TTL);
		this.backend.abandonLease(CACHE, key, "intruder");
		assertThat(this.backend.read(key)).isEqualTo(new Slot.Leased("holder"));
		this.backend.abandonLease(CACHE, key, "holder");
		assertThat(this.backend.read(key)).isEqualTo(Slot.EMPTY);
	}

	@Test
	void anUnreleasedLeaseEndsAfterLeaseTtl() {
		String key = key();
		this.backend.tryLease(key, Slot.EMPTY, "dead-holder", LEASE_TTL);
		await().atMost(LEASE_TTL.plusSeconds(3))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.backend.read(key), Slot.EMPTY::equals);
		assertThat(this.backend.tryLease(key, Slot.EMPTY, "next", LEASE_TTL)).isTrue();
	}

	@Test
	void aStoredValueIsLeasedOnlyAtTheVersionThatWasRead() {
		String key = key();
		this.backend.tryLease(key, Slot.EMPTY, "first", LEASE_TTL);
		this.backend.fulfilLease(CACHE, key, "first", envelope("v1"), TTL);
		Slot firstRead = this.backend.read(key);
		this.backend.evict(key);
		this.backend.tryLease(key, Slot.EMPTY, "second", LEASE_TTL);
		this.backend.fulfilLease(CACHE, key, "second", envelope("v2"), TTL);
		assertThat(this.backend.tryLease(key, firstRead, "outdated", LEASE_TTL)).isFalse();
		Slot secondRead = this.backend.read(key);
		assertThat(this.backend.tryLease(key, secondRead, "current", LEASE_TTL)).isTrue();
		assertThat(this.backend.read(key)).isEqualTo(new Slot.Leased("current"));
	}

	@Test
	void anEvictionWhileTheValueIsComputedIsNeverUndone() {
		String key = key();
		this.backend.tryLease(key, Slot.EMPTY, "holder", LEASE_TTL);
		this.backend.evict(key);
		assertThat(this.backend.fulfilLease(CACHE, key, "holder", envelope("computed before the eviction"), TTL)).isFalse();
		assertThat(this.backend.read(key)).isEqualTo(Slot.EMPTY);
	}

	@Test
	void aStoredValueEndsAfterItsTtl() {
		String key = key();
		this.backend.tryLease(key, Slot.EMPTY, "holder", LEASE_TTL);
		this.backend.fulfilLease(CACHE, key, "holder", envelope("short-lived"), Duration.ofSeconds(1));
		await().atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.backend.read(key), Slot.EMPTY::equals);
	}

	@Test
	void nullValuesRoundTrip() {
		String key = key();
		Envelope nullValue = new Envelope(null, System.currentTimeMillis() + 60_000, System.currentTimeMillis() + 60_000, 3);
		this.backend.tryLease(key, Slot.EMPTY, "holder", LEASE_TTL);
		this.backend.fulfilLease(CACHE, key, "holder", nullValue, TTL);
		assertThat(this.backend.read(key)).isInstanceOfSatisfying(Slot.Present.class,
				(present) -> assertThat(present.envelope()).isEqualTo(nullValue));
	}

	@Test
	void evictionRemovesAValue() {
		String key = key();
		this.backend.tryLease(key, Slot.EMPTY, "holder", LEASE_TTL);
		this.backend.fulfilLease(CACHE, key, "holder", envelope("value"), TTL);
		this.backend.evict(key);
		assertThat(this.backend.read(key)).isEqualTo(Slot.EMPTY);
	}

	@Test
	void onlyOneCallerTakesTheRefreshLeaseAndOnlyItsHolderReleasesIt() {
		String key = key();
		assertThat(this.backend.tryRefreshLease(key, "refresher", LEASE_TTL)).isTrue();
		assertThat(this.backend.tryRefreshLease(key, "second", LEASE_TTL)).isFalse();
		this.backend.releaseRefreshLease(key, "second");
		assertThat(this.backend.tryRefreshLease(key, "third", LEASE_TTL)).isFalse();
		this.backend.releaseRefreshLease(key, "refresher");
		assertThat(this.backend.tryRefreshLease(key, "next", LEASE_TTL)).isTrue();
	}

	@Test
	void anUnreleasedRefreshLeaseEndsAfterLeaseTtl() {
		String key = key();
		this.backend.tryRefreshLease(key, "dead-refresher", LEASE_TTL);
		await().atMost(LEASE_TTL.plusSeconds(3))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> this.backend.tryRefreshLease(key, "next", LEASE_TTL));
	}

	@Test
	void aValueIsReplacedOnlyAtTheVersionThatWasRead() {
		String key = key();
		this.backend.tryLease(key, Slot.EMPTY, "holder", LEASE_TTL);
		this.backend.fulfilLease(CACHE, key, "holder", envelope("v1"), TTL);
		long v1 = ((Slot.Present) this.backend.read(key)).version();
		assertThat(this.backend.replace(key, v1, envelope("v2"), TTL)).isTrue();
		assertThat(this.backend.replace(key, v1, envelope("from an outdated read"), TTL)).isFalse();
		assertThat(this.backend.read(key)).isInstanceOfSatisfying(Slot.Present.class,
				(present) -> assertThat(present.envelope().value()).isEqualTo("v2"));
	}

	@Test
	void aRefreshedValueIsNotWrittenOverAnEviction() {
		String key = key();
		this.backend.tryLease(key, Slot.EMPTY, "holder", LEASE_TTL);
		this.backend.fulfilLease(CACHE, key, "holder", envelope("stale"), TTL);
		long version = ((Slot.Present) this.backend.read(key)).version();
		this.backend.tryRefreshLease(key, "refresher", LEASE_TTL);
		this.backend.evict(key);
		assertThat(this.backend.replace(key, version, envelope("computed before the eviction"), TTL)).isFalse();
		assertThat(this.backend.read(key)).isEqualTo(Slot.EMPTY);
		assertThat(this.backend.tryRefreshLease(key, "after the eviction", LEASE_TTL)).isTrue();
	}

	@Test
	void generationsOnlyMoveForward() {
		String key = key();
		long first = this.backend.generation(key);
		assertThat(this.backend.generation(key)).isEqualTo(first);
		long next = this.backend.nextGeneration(key);
		assertThat(next).isGreaterThan(first);
		assertThat(this.backend.generation(key)).isEqualTo(next);
	}

	@Test
	void aLeaseRoundTripsItsHoldersToken() {
		for (String token : List.of("engine-1", "jvm-ä-✓-∞", "t".repeat(2000))) {
			String key = key();
			assertThat(this.backend.tryLease(key, Slot.EMPTY, token, LEASE_TTL)).isTrue();
			assertThat(this.backend.read(key)).isEqualTo(new Slot.Leased(token));
			assertThat(this.backend.fulfilLease(CACHE, key, token, envelope("value"), TTL)).isTrue();
		}
	}

	@Test
	void aRefreshLeaseLeavesTheValueReadableAsItWas() {
		String key = key();
		this.backend.tryLease(key, Slot.EMPTY, "holder", LEASE_TTL);
		this.backend.fulfilLease(CACHE, key, "holder", envelope("stale"), TTL);
		Slot before = this.backend.read(key);
		assertThat(this.backend.tryRefreshLease(key, "refresher", LEASE_TTL)).isTrue();
		assertThat(this.backend.read(key)).isEqualTo(before);
	}

	@Test
	void aKeysLeaseAndItsRefreshLeaseAreTakenAndReleasedApart() {
		String key = key();
		assertThat(this.backend.tryRefreshLease(key, "holder", LEASE_TTL)).isTrue();
		assertThat(this.backend.tryLease(key, Slot.EMPTY, "holder", LEASE_TTL)).isTrue();
		this.backend.releaseRefreshLease(key, "holder");
		assertThat(this.backend.read(key)).isEqualTo(new Slot.Leased("holder"));
		assertThat(this.backend.tryRefreshLease(key, "holder", LEASE_TTL)).isTrue();
		this.backend.abandonLease(CACHE, key, "holder");
		assertThat(this.backend.read(key)).isEqualTo(Slot.EMPTY);
		assertThat(this.backend.tryRefreshLease(key, "another", LEASE_TTL)).isFalse();
	}

	/** The backend under test. */
	protected StampedeBackend backend() {
		return this.backend;
	}

	protected static Envelope envelope(String value) {
		return new Envelope(value, 4_102_444_800_000L, 4_102_444_800_000L, 42);
	}

	protected static String key() {
		return "contract:" + UUID.randomUUID();
	}

}
