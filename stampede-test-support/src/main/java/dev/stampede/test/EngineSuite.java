package dev.stampede.test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;

import dev.stampede.CacheSettings;
import dev.stampede.Stampede;
import dev.stampede.StampedeSettings;
import dev.stampede.backend.StampedeBackend;
import org.junit.jupiter.api.AfterEach;

/**
 * What the engine suites share: engines on fresh backend instances of the store under
 * test, closed after each test, and callers on threads of their own. A backend runs a
 * suite by extending it and creating its backend instances.
 */
public abstract class EngineSuite {

	private static final String PREFIX = "engine-suite:";

	private final List<AutoCloseable> resources = new ArrayList<>();

	/**
	 * Creates an independent backend instance (its own connection) on the shared
	 * store: engines made from two of them coordinate only through the store.
	 */
	protected abstract StampedeBackend createBackend();

	@AfterEach
	void closeEnginesAndBackends() throws Exception {
		// last opened, first closed: engines before their backends before their connections
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
		this.resources.clear();
	}

	/** Closes {@code resource} after the test, after the engines and backends opened later. */
	protected void closeAfterTest(AutoCloseable resource) {
		this.resources.add(resource);
	}

	/** Creates an engine on {@code backend}, both closed after the test. */
	protected Stampede engine(StampedeBackend backend, CacheSettings settings) {
		return engine(backend, settings, Clock.systemUTC());
	}

	/** Creates an engine on {@code backend} that reads time from {@code clock}, both closed after the test. */
	protected Stampede engine(StampedeBackend backend, CacheSettings settings, Clock clock) {
		return engine(backend, new Stampede(backend, new StampedeSettings(settings, Map.of()), PREFIX, clock));
	}

	/** Closes {@code engine} and its {@code backend} after the test. */
	protected Stampede engine(StampedeBackend backend, Stampede engine) {
		this.resources.add(backend);
		this.resources.add(engine);
		return engine;
	}

	/** The prefix of the keys of every engine of the suite. */
	protected static String keyPrefix() {
		return PREFIX;
	}

	/** A key no other test uses. */
	protected static String uniqueKey() {
		return "key-" + UUID.randomUUID();
	}

	/** Starts {@code call} on a thread of its own. */
	protected static FutureTask<Object> start(Callable<Object> call) {
		FutureTask<Object> task = new FutureTask<>(call);
		new Thread(task, "caller").start();
		return task;
	}

}
