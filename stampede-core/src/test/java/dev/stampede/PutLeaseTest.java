package dev.stampede;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.stampede.backend.ForwardingBackend;
import dev.stampede.backend.Slot;
import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A put into an empty key takes a lease it fulfils: when the server takes that lease
 * but its answer is lost, and the eviction that follows fails too, the put gives the
 * lease back by its token rather than leave it for {@code lease-ttl}.
 */
class PutLeaseTest {

	@Test
	void aPutWhoseLeaseAnswerWasLostGivesTheLeaseBack() {
		LocalBackend store = new LocalBackend(100);
		AtomicBoolean losingAnswers = new AtomicBoolean(true);
		ForwardingBackend backend = new ForwardingBackend(store) {

			@Override
			public boolean tryLease(String key, Slot observed, String token, Duration leaseTtl) {
				boolean leased = super.tryLease(key, observed, token, leaseTtl);
				if (losingAnswers.get()) {
					throw new StampedeBackendException("the answer was lost", null);
				}
				return leased;
			}

			@Override
			public void evict(String key) {
				if (losingAnswers.get()) {
					throw new StampedeBackendException("the server is gone", null);
				}
				super.evict(key);
			}

			@Override
			public boolean isInProcess() {
				return false;
			}

		};
		try (Stampede engine = new Stampede(backend)) {
			assertThat(engine.put("c", "k", "put")).isFalse();
			assertThat(store.read(engine.inspection().backendKey("c", "k"))).isNotInstanceOf(Slot.Leased.class);
		}
	}

}
