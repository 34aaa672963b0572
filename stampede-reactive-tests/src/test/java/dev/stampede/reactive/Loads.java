package dev.stampede.reactive;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * How often each service began a load, and what its loads wait for: a short delay on
 * a timer, or a gate a test opens, fails or cancels. Every load ends on one of
 * Reactor's parallel threads, which must not block, as a load that ends with a
 * response on an event loop does.
 */
public final class Loads {

	static final Mono<Void> DELAY = Mono.delay(Duration.ofMillis(200)).then();

	private final Map<String, AtomicInteger> begun = new ConcurrentHashMap<>();

	private volatile Mono<Void> gate = DELAY;

	/** Counts a load of {@code kind} beginning; the load then waits for what this returns. */
	public Mono<Void> begin(String kind) {
		this.begun.computeIfAbsent(kind, (name) -> new AtomicInteger()).incrementAndGet();
		return this.gate.publishOn(Schedulers.parallel());
	}

	int begun(String kind) {
		AtomicInteger count = this.begun.get(kind);
		return (count != null) ? count.get() : 0;
	}

	void waitFor(Mono<Void> gate) {
		this.gate = gate;
	}

	void reset() {
		this.begun.clear();
		this.gate = DELAY;
	}

}
