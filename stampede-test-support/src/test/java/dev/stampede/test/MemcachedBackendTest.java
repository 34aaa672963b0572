package dev.stampede.test;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import dev.stampede.CacheSettings;
import dev.stampede.Envelope;
import dev.stampede.InvalidSettingException;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.memcached.MemcachedBackend;
import dev.stampede.codec.JdkSerializationCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MemcachedBackendTest extends SharedStoreBackendContract {

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@Override
	protected StampedeBackend createBackend() {
		return connect(memcached.server().address());
	}

	@Override
	protected void writeForeignBytes(String key, byte[] bytes) {
		try {
			((MemcachedBackend) backend()).getClient().set(key, 60, bytes);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	protected void loseKey(String key) {
		try {
			((MemcachedBackend) backend()).getClient().delete(key);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void subSecondLeasesAreRejectedBecauseMemcachedCountsWholeSeconds() {
		CacheSettings settings = CacheSettings.builder().leaseTtl(Duration.ofMillis(500)).build();
		assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(
				() -> new Stampede(backend(), new StampedeSettings(settings, Map.of()), "", Clock.systemUTC()))
			.withMessageContaining("lease-ttl")
			.withMessageContaining("whole seconds");
	}

	@Test
	void unparsableServersAreReportedWithTheExpectedForm() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> connect("127.0.0.1:not-a-port"))
			.withMessageContaining("127.0.0.1:not-a-port")
			.withMessageContaining("host:port");
	}

	@Test
	void bytesWrittenByAnotherProgramReadAsUnreadable() throws Exception {
		MemcachedBackend backend = (MemcachedBackend) backend();
		backend.getClient().set("foreign", 60, "written by someone else");
		assertThat(backend.read("foreign")).isInstanceOf(dev.stampede.backend.Slot.Unreadable.class);
	}

	@Test
	void aValueKeptLongerThanMemcachedCanExpressIsWrittenAllTheSame() {
		Envelope forever = new Envelope("kept", Long.MAX_VALUE, Long.MAX_VALUE, 1);
		assertThat(backend().tryLease("forever", Slot.EMPTY, "holder", Duration.ofSeconds(2))).isTrue();
		assertThat(backend().fulfilLease("contract", "forever", "holder", forever, ChronoUnit.FOREVER.getDuration()))
			.isTrue();
		assertThat(backend().read("forever")).isInstanceOfSatisfying(Slot.Present.class,
				(present) -> assertThat(present.envelope()).isEqualTo(forever));
	}

	@Test
	void interruptedCallersGetStampedeInterruptedExceptionKeepTheirFlagAndLeaveTheCircuitClosed() throws Exception {
		// Operations wait up to a minute, so that every caller is still waiting when it is interrupted.
		MemcachedBackend patient = MemcachedBackend.connect(memcached.server().address(), Duration.ofMinutes(1),
				Duration.ofSeconds(1), new JdkSerializationCodec(null));
		closeAfterTest(patient);
		assertInterruptedCallersLeaveTheCircuitClosed(patient, memcached.server());
	}

	static MemcachedBackend connect(String servers) {
		return MemcachedBackend.connect(servers, Duration.ofMillis(500), Duration.ofSeconds(1),
				new JdkSerializationCodec(null));
	}

}
