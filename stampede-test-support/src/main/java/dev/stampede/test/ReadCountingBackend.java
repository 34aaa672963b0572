package dev.stampede.test;

import java.lang.reflect.Type;
import java.util.concurrent.atomic.AtomicLong;

import dev.stampede.backend.ForwardingBackend;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;

/**
 * A backend that counts the reads of the slots of keys, each of which is one read on a
 * key-value store (a memcached {@code gets}, a Redis {@code GET}): what a waiting
 * caller costs the store.
 */
public final class ReadCountingBackend extends ForwardingBackend {

	private final AtomicLong reads = new AtomicLong();

	public ReadCountingBackend(StampedeBackend delegate) {
		super(delegate);
	}

	@Override
	public Slot read(String key, Type valueType) {
		this.reads.incrementAndGet();
		return delegate().read(key, valueType);
	}

	/** The reads since this backend was created or last reset. */
	public long reads() {
		return this.reads.get();
	}

	/** Counts from zero again. */
	public void reset() {
		this.reads.set(0);
	}

}
