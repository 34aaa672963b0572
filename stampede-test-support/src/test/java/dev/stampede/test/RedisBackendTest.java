package dev.stampede.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.stampede.Envelope;
import dev.stampede.StampedeInterruptedException;
import dev.stampede.backend.CircuitBreakingBackend;
import dev.stampede.backend.KeyEvent;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.redis.RedisBackend;
import dev.stampede.codec.JdkSerializationCodec;
import dev.stampede.codec.RecordCodec;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RedisBackendTest extends SharedStoreBackendContract {

	@RegisterExtension
	static final ServerExtension<RedisServer> redis = ServerExtension.redis();

	private LettuceConnectionFactory rawClient;

	@Override
	protected StampedeBackend createBackend() {
		this.rawClient = redis.server().connectionFactory();
		closeAfterTest(this.rawClient::destroy);
		return connect(redis.server(), this::closeAfterTest);
	}

	@Override
	protected void writeForeignBytes(String key, byte[] bytes) {
		try (RedisConnection connection = this.rawClient.getConnection()) {
			connection.stringCommands().set(key.getBytes(StandardCharsets.UTF_8), bytes);
		}
	}

	@Override
	protected void loseKey(String key) {
		try (RedisConnection connection = this.rawClient.getConnection()) {
			connection.keyCommands().del(key.getBytes(StandardCharsets.UTF_8));
		}
	}

	/** A backend on a new connection to {@code server}, whose connection {@code closeAfterTest} closes. */
	static RedisBackend connect(RedisServer server, Consumer<AutoCloseable> closeAfterTest) {
		LettuceConnectionFactory factory = server.connectionFactory();
		closeAfterTest.accept(factory::destroy);
		return new RedisBackend(factory, new JdkSerializationCodec(null));
	}

	@Test
	void bytesWrittenByAnotherProgramReadAsUnreadableAndCanBeLeasedOnce() {
		LettuceConnectionFactory factory = redis.server().connectionFactory();
		closeAfterTest(factory::destroy);
		new StringRedisTemplate(factory).opsForValue().set("foreign", "written by someone else");
		Slot slot = backend().read("foreign");
		assertThat(slot).isInstanceOf(Slot.Unreadable.class);
		assertThat(backend().tryLease("foreign", slot, "first", java.time.Duration.ofSeconds(2))).isTrue();
		assertThat(backend().tryLease("foreign", slot, "second", java.time.Duration.ofSeconds(2))).isFalse();
	}

	@Test
	void writingAValueReleasingALeaseAndEvictingAreHeardByAnotherInstance() {
		RedisBackend other = connect(redis.server(), this::closeAfterTest);
		closeAfterTest(other);
		List<String> heard = new CopyOnWriteArrayList<>();
		closeAfterTest(other.subscribe((event, cache, key) -> heard.add(event + " " + cache + " " + key)));
		String written = "written-" + System.nanoTime();
		String abandoned = "abandoned-" + System.nanoTime();
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			backend().publishEviction("subscribed", "probe");
			assertThat(heard).contains(KeyEvent.EVICTED + " subscribed probe");
		});
		backend().tryLease(written, Slot.EMPTY, "holder", Duration.ofSeconds(2));
		assertThat(backend().fulfilLease("products", written, "holder", envelope(), Duration.ofMinutes(1))).isTrue();
		backend().tryLease(abandoned, Slot.EMPTY, "holder", Duration.ofSeconds(2));
		backend().abandonLease("products", abandoned, "intruder");
		backend().abandonLease("products", abandoned, "holder");
		backend().publishEviction("products", written);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(heard).contains(KeyEvent.LEASE_ENDED + " products " + written,
					KeyEvent.LEASE_ENDED + " products " + abandoned, KeyEvent.EVICTED + " products " + written));
		assertThat(heard).as("the intruder's release ended nothing")
			.containsOnlyOnce(KeyEvent.LEASE_ENDED + " products " + abandoned);
	}

	@Test
	void interruptedCallersGetStampedeInterruptedExceptionKeepTheirFlagAndLeaveTheCircuitClosed() throws Exception {
		// Operations wait up to a minute, so that every caller is still waiting when it is interrupted.
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(ServerProcess.HOST, redis.server().port()),
				LettuceClientConfiguration.builder().commandTimeout(Duration.ofMinutes(1)).build());
		factory.afterPropertiesSet();
		factory.start();
		closeAfterTest(factory::destroy);
		assertInterruptedCallersLeaveTheCircuitClosed(
				new RedisBackend(factory, new RecordCodec(new JdkSerializationCodec(null)), Duration.ofMinutes(1)),
				redis.server());
	}

	@Test
	void callersInterruptedBeforeTheyCallKeepTheirFlagAndNeverOpenTheCircuit() {
		CircuitBreakingBackend circuit = new CircuitBreakingBackend(backend(), 3, Duration.ofMinutes(1));
		assertThat(circuit.read("interrupted")).isEqualTo(Slot.EMPTY);
		for (int i = 0; i < 10; i++) {
			Thread.currentThread().interrupt();
			try {
				// Lettuce raises an interrupt only if the reply has not arrived when it starts waiting.
				circuit.read("interrupted");
				assertThat(Thread.currentThread().isInterrupted()).as("a call that returned kept the flag").isTrue();
			}
			catch (StampedeInterruptedException ex) {
				assertThat(Thread.currentThread().isInterrupted()).isTrue();
			}
			finally {
				Thread.interrupted();
			}
		}
		assertThat(circuit.circuitState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(circuit.read("interrupted")).isEqualTo(Slot.EMPTY);
	}

	private static Envelope envelope() {
		return new Envelope("value", 4_102_444_800_000L, 4_102_444_800_000L, 42);
	}

}
