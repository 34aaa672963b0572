package dev.stampede.test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.stampede.LoadEstimate;
import dev.stampede.StampedeInterruptedException;
import dev.stampede.backend.CircuitBreakingBackend;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.codec.RecordCodec;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a backend on a store that other programs can write, and that can lose keys,
 * must do besides the {@link BackendContract}: bytes it did not write are never taken
 * for a lease or a value, and a generation the store lost never moves backwards. A
 * backend passes by extending this class and writing and deleting keys with the
 * store's own client, as another program or the store itself would.
 */
public abstract class SharedStoreBackendContract extends BackendContract {

	/**
	 * Stores {@code bytes} under {@code key} with the store's own client, as another
	 * program would, for at least a minute.
	 */
	protected abstract void writeForeignBytes(String key, byte[] bytes);

	/**
	 * Deletes {@code key} with the store's own client, as a store that evicts it or
	 * restarts empty would.
	 */
	protected abstract void loseKey(String key);

	@Test
	void aSingleByteOfAnotherProgramReadsAsUnreadableWhateverTheByteAndIsLeasedOnce() {
		for (int first = 0; first < 256; first++) {
			assertUnreadableAndLeasedOnce(new byte[] { (byte) first });
		}
	}

	@Test
	void longerBytesOfAnotherProgramReadAsUnreadableWhateverTheirFirstByteAndAreLeasedOnce() {
		byte[] rest = "holder written by another program".getBytes(StandardCharsets.US_ASCII);
		for (int first = 0; first < 256; first++) {
			byte[] bytes = new byte[1 + rest.length];
			bytes[0] = (byte) first;
			System.arraycopy(rest, 0, bytes, 1, rest.length);
			assertUnreadableAndLeasedOnce(bytes);
		}
	}

	@Test
	void noBytesAndEveryPrefixOfARecordReadAsUnreadableAndAreLeasedOnce() {
		RecordCodec records = new RecordCodec(new JdkSerializationCodec(null));
		byte[] lease = records.encodeLease("holder");
		byte[] value = records.encodeValue(key(), envelope("value"));
		for (int length = 0; length < lease.length; length++) {
			assertUnreadableAndLeasedOnce(Arrays.copyOf(lease, length));
		}
		for (int length = 0; length < value.length; length++) {
			assertUnreadableAndLeasedOnce(Arrays.copyOf(value, length));
		}
	}

	@Test
	void recordsOfAnotherFormatVersionReadAsUnreadableAndAreLeasedOnce() {
		RecordCodec records = new RecordCodec(new JdkSerializationCodec(null));
		int formatVersion = RecordCodec.formatPrefix().length - 1;
		for (byte[] record : List.of(records.encodeLease("holder"), records.encodeValue(key(), envelope("value")))) {
			for (int version : new int[] { 0, 2, 255 }) {
				byte[] other = record.clone();
				other[formatVersion] = (byte) version;
				assertUnreadableAndLeasedOnce(other);
			}
		}
	}

	@Test
	void aLeaseReadsWithItsHolderAndAHolderThatIsNoNameLeavesTheLeaseOfAnUnknownHolder() {
		RecordCodec named = RecordCodec.builder(new JdkSerializationCodec(null)).holder("catalog@web-3:4711").build();
		String key = key();
		writeForeignBytes(key, named.encodeLease("web-3's"));
		assertThat(backend().read(key)).isEqualTo(new Slot.Leased("web-3's", LoadEstimate.UNKNOWN,
				"catalog@web-3:4711"));
		byte[] lease = new RecordCodec(new JdkSerializationCodec(null)).encodeLease("planted");
		List<byte[]> holders = List.of(new byte[0], new byte[] { 'a', (byte) 0xC3, '(' },
				"x".repeat(RecordCodec.MAX_HOLDER_BYTES + 1).getBytes(StandardCharsets.UTF_8),
				"web-3\nFAKE LOG LINE".getBytes(StandardCharsets.UTF_8));
		for (byte[] holder : holders) {
			String planted = key();
			writeForeignBytes(planted, ByteBuffer.allocate(lease.length + 3 + holder.length)
				.put(lease)
				.put((byte) 2)
				.putShort((short) holder.length)
				.put(holder)
				.array());
			assertThat(backend().read(planted)).as("holder %s", Arrays.toString(holder))
				.isEqualTo(new Slot.Leased("planted"));
		}
	}

	@Test
	void aLostGenerationComesBackLargerThanEveryEarlierOne() throws InterruptedException {
		String key = key();
		backend().generation(key);
		long next = backend().nextGeneration(key);
		loseKey(key);
		// The clock restarts it; it must have moved past the one increment.
		Thread.sleep(5);
		long recreated = backend().generation(key);
		assertThat(recreated).isGreaterThan(next);
		assertThat(backend().generation(key)).isEqualTo(recreated);
	}

	@Test
	void aGenerationLostBeforeTheNextEvictionMovesForwardAllTheSame() throws InterruptedException {
		String key = key();
		long first = backend().generation(key);
		loseKey(key);
		Thread.sleep(5);
		long next = backend().nextGeneration(key);
		assertThat(next).isGreaterThan(first);
		assertThat(backend().generation(key)).isEqualTo(next);
	}

	/**
	 * Asserts that callers whose threads are interrupted while {@code patient} waits on a
	 * paused {@code server} get {@link StampedeInterruptedException} with their flag
	 * kept, and leave the circuit closed for everyone else. {@code patient} must wait
	 * longer than the test does for an answer, so every caller is still waiting when
	 * it is interrupted.
	 */
	protected static void assertInterruptedCallersLeaveTheCircuitClosed(StampedeBackend patient, TestServer server)
			throws Exception {
		CircuitBreakingBackend circuit = new CircuitBreakingBackend(patient, 3, Duration.ofMinutes(1));
		assertThat(circuit.read("interrupted")).isEqualTo(Slot.EMPTY);
		server.pause();
		List<Thread> callers = new ArrayList<>();
		Map<String, Object> outcomes = new ConcurrentHashMap<>();
		for (int i = 0; i < 8; i++) {
			Thread caller = new Thread(() -> {
				try {
					outcomes.put(Thread.currentThread().getName(), circuit.read("interrupted"));
				}
				catch (RuntimeException ex) {
					outcomes.put(Thread.currentThread().getName(),
							ex.getClass().getSimpleName() + " interrupted=" + Thread.currentThread().isInterrupted());
				}
			}, "interrupted-caller-" + i);
			caller.start();
			callers.add(caller);
		}
		await().atMost(Duration.ofSeconds(20))
			.until(() -> callers.stream().allMatch((caller) -> caller.getState() == Thread.State.TIMED_WAITING));
		callers.forEach(Thread::interrupt);
		for (Thread caller : callers) {
			caller.join(Duration.ofSeconds(10).toMillis());
		}
		server.resume();
		assertThat(outcomes).hasSize(callers.size())
			.allSatisfy((caller, outcome) -> assertThat(outcome)
				.isEqualTo(StampedeInterruptedException.class.getSimpleName() + " interrupted=true"));
		assertThat(circuit.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(circuit.read("interrupted")).isEqualTo(Slot.EMPTY);
	}

	private void assertUnreadableAndLeasedOnce(byte[] bytes) {
		String key = key();
		writeForeignBytes(key, bytes);
		Slot slot = backend().read(key);
		assertThat(slot).as("%s read as", Arrays.toString(bytes)).isInstanceOf(Slot.Unreadable.class);
		assertThat(backend().tryLease(key, slot, "first", LEASE_TTL)).as("%s leased", Arrays.toString(bytes))
			.isTrue();
		assertThat(backend().tryLease(key, slot, "second", LEASE_TTL)).as("%s leased again", Arrays.toString(bytes))
			.isFalse();
		assertThat(backend().read(key)).isEqualTo(new Slot.Leased("first"));
	}

}
