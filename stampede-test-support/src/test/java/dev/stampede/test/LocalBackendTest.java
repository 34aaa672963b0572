package dev.stampede.test;

import dev.stampede.backend.StampedeBackend;
import dev.stampede.backend.local.LocalBackend;

class LocalBackendTest extends BackendContract {

	@Override
	protected StampedeBackend createBackend() {
		return new LocalBackend(10_000);
	}

}
