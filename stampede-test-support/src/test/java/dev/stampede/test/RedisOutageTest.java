package dev.stampede.test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.CacheSettings;
import dev.stampede.FailurePolicy;
import dev.stampede.Stampede;
import dev.stampede.StampedeBackendException;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.codec.RecordCodec;
import dev.stampede.test.Stampedes.CallResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class RedisOutageTest extends OutageContract {

	// What applications often give their own Redis commands, and Lettuce's default is longer still.
	private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration OP_TIMEOUT = Duration.ofMillis(300);

	private static final Duration LOAD = Duration.ofMillis(100);

	@RegisterExtension
	final ServerExtension<RedisServer> redis = ServerExtension.redis();

	@Override
	protected ServerProcess server() {
		return this.redis.server();
	}

	@Override
	protected StampedeBackend connect() {
		return RedisBackendTest.connect(this.redis.server(), this::closeAfterTest);
	}

	@Test
	void aPausedServerCostsEachCallerOneOperationTimeoutAndOneLoadWhateverTheConnectionsTimeout() {
		LettuceConnectionFactory factory = this.redis.server().connectionFactory(CONNECTION_TIMEOUT);
		RedisBackend backend = bounded(factory);
		Stampede engine = new Stampede(backend, new StampedeSettings(CacheSettings.from(EngineContract.SETTINGS)
			.onBackendFailure(FailurePolicy.CALL_THROUGH)
			.build(), Map.of()), "", Clock.systemUTC());
		closeAfterTest(engine);
		closeAfterTest(backend);
		closeAfterTest(factory::destroy);
		// Reads the cache's generation, which the engine then trusts for a second.
		assertThat(engine.get("bounded", "warm", () -> "cached")).isEqualTo("cached");
		server().pause();
		AtomicInteger keys = new AtomicInteger();
		ConcurrentLinkedQueue<Duration> latencies = new ConcurrentLinkedQueue<>();
		List<CallResult> outcomes = Stampedes.run(16, () -> {
			long start = System.nanoTime();
			Object value = engine.get("bounded", "key-" + keys.incrementAndGet(), () -> {
				Thread.sleep(LOAD.toMillis());
				return "direct";
			});
			latencies.add(Duration.ofNanos(System.nanoTime() - start));
			return value;
		});
		server().resume();
		assertThat(outcomes).extracting(CallResult::value).containsOnly("direct");
		assertThat(latencies).hasSize(16)
			.allSatisfy((latency) -> assertThat(latency).isLessThan(OP_TIMEOUT.plus(LOAD).plusMillis(700)));
	}

	@Test
	void aLeaseWhoseAnswerTimedOutIsGivenBackOnceTheServerAnswers() {
		LettuceConnectionFactory factory = this.redis.server().connectionFactory(CONNECTION_TIMEOUT);
		RedisBackend backend = bounded(factory);
		closeAfterTest(backend);
		closeAfterTest(factory::destroy);
		String key = "late-lease";
		// Connected before the pause: making the connection is bounded by the connection's own timeouts.
		assertThat(backend.read(key)).isEqualTo(Slot.EMPTY);
		server().pause();
		assertThatExceptionOfType(StampedeBackendException.class)
			.isThrownBy(() -> backend.tryLease(key, Slot.EMPTY, "unanswered", Duration.ofMinutes(1)))
			.withMessageContaining("timed out after 300 ms")
			.withMessageContaining("stampede.redis.op-timeout");
		server().resume();
		// Redis took the lease on resuming, then ran the release queued behind it.
		await().atMost(Duration.ofSeconds(5)).until(() -> backend.read(key) == Slot.EMPTY);
		assertThat(backend.tryLease(key, Slot.EMPTY, "next", Duration.ofMinutes(1))).isTrue();
	}

	private static RedisBackend bounded(LettuceConnectionFactory factory) {
		return new RedisBackend(factory, new RecordCodec(new JdkSerializationCodec(null)), OP_TIMEOUT);
	}

}
