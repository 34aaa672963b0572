package dev.stampede.test;

import java.time.Duration;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.memcached.MemcachedBackend;
import dev.stampede.codec.RecordCodec;
import org.junit.jupiter.api.extension.RegisterExtension;

class MemcachedCodecTest extends CodecContract {

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@Override
	protected StampedeBackend createBackend(RecordCodec records) {
		return MemcachedBackend.connect(memcached.server().address(), Duration.ofMillis(500), Duration.ofSeconds(1),
				records);
	}

	@Override
	protected void writeRaw(String key, byte[] bytes) {
		MemcachedBackend other = MemcachedBackendTest.connect(memcached.server().address());
		try {
			other.getClient().set(key, 60, bytes);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			other.close();
		}
	}

}
