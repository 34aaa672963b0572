package dev.stampede.test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import dev.stampede.CacheSettings;
import dev.stampede.InvalidSettingException;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.memcached.MemcachedBackend;
import dev.stampede.codec.JdkSerializationCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MemcachedBackendTest extends BackendContract {

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@Override
	protected StampedeBackend createBackend() {
		return connect(memcached.server().address());
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

	static MemcachedBackend connect(String servers) {
		return MemcachedBackend.connect(servers, Duration.ofMillis(500), Duration.ofSeconds(1),
				new JdkSerializationCodec(null));
	}

}
