package dev.stampede.test;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;

class LocalVirtualThreadStampedeTest extends VirtualThreadStampedeContract {

	// Engines in one JVM share the in-process store, as a real application's would.
	private final LocalBackend store = new LocalBackend(10_000);

	@Override
	protected StampedeBackend createBackend() {
		return this.store;
	}

}
