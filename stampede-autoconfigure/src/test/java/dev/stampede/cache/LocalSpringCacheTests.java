package dev.stampede.cache;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;

class LocalSpringCacheTests extends SpringCacheContract {

	// One in-process store that every engine of a test shares, as engines of one JVM would.
	private final LocalBackend store = new LocalBackend(10_000);

	@Override
	StampedeBackend createBackend() {
		return this.store;
	}

}
