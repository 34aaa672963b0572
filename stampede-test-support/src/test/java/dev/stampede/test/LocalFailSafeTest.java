package dev.stampede.test;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;

class LocalFailSafeTest extends FailSafeContract {

	private final LocalBackend store = new LocalBackend(10_000);

	@Override
	protected StampedeBackend createBackend() {
		return this.store;
	}

}
