package dev.stampede.test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.Slot;
import dev.stampede.backend.memcached.MemcachedBackend;
import dev.stampede.test.Stampedes.CallResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM holding a key's lease is killed with SIGKILL while it loads: the other JVMs
 * take over once the lease expires, and nobody waits past max-wait.
 */
class LeaseHolderKilledTest {

	@RegisterExtension
	static final ServerExtension<MemcachedServer> memcached = ServerExtension.memcached();

	@Test
	void waitersTakeOverTheLeaseOfAKilledHolder() throws Exception {
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				LeaseHolder.class.getName(), memcached.server().address(), "killed", "key")
			.redirectErrorStream(true)
			.start();
		MemcachedBackend backend = MemcachedBackendTest.connect(memcached.server().address());
		try (Stampede engine = new Stampede(backend, new StampedeSettings(EngineContract.SETTINGS, Map.of()), "",
				Clock.systemUTC())) {
			assertThat(awaitLine(holder, LeaseHolder.LOADING)).isTrue();
			assertThat(backend.read(engine.inspection().backendKey("killed", "key"))).isInstanceOf(Slot.Leased.class);
			holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			AtomicInteger loads = new AtomicInteger();
			long start = System.nanoTime();
			List<CallResult> outcomes = Stampedes.run(16,
					() -> engine.get("killed", "key", () -> "taken over " + loads.incrementAndGet()));
			Duration waited = Duration.ofNanos(System.nanoTime() - start);
			assertThat(outcomes).extracting(CallResult::value).containsOnly("taken over 1");
			assertThat(loads).hasValue(1);
			assertThat(waited).isLessThan(EngineContract.SETTINGS.maxWait());
		}
		finally {
			holder.destroyForcibly();
			backend.close();
		}
	}

	private static boolean awaitLine(Process process, String expected) throws Exception {
		BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		return CompletableFuture.supplyAsync(() -> output.lines().anyMatch(expected::equals))
			.get(Stampedes.BOUND.toSeconds(), TimeUnit.SECONDS);
	}

}
