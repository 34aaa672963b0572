package dev.stampede.test;

import java.time.Clock;
import java.util.Map;

import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.memcached.MemcachedBackend;

/**
 * A JVM that wins the lease of a key, says so, and then loads forever: a lease holder
 * to be killed. Arguments: servers, cache, key.
 */
public final class LeaseHolder {

	static final String LOADING = "LOADING";

	private LeaseHolder() {
	}

	public static void main(String[] args) throws Exception {
		MemcachedBackend backend = MemcachedBackendTest.connect(args[0]);
		Stampede engine = new Stampede(backend, new StampedeSettings(EngineContract.SETTINGS, Map.of()), "",
				Clock.systemUTC());
		engine.get(args[1], args[2], () -> {
			System.out.println(LOADING);
			System.out.flush();
			Thread.sleep(Long.MAX_VALUE);
			return "never";
		});
	}

}
