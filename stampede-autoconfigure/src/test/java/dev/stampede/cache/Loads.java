package dev.stampede.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** How many times each method of {@link Products} loaded, across every application of a test. */
public class Loads {

	private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

	int count(String method) {
		return this.counts.computeIfAbsent(method, (name) -> new AtomicInteger()).incrementAndGet();
	}

	int of(String method) {
		AtomicInteger count = this.counts.get(method);
		return (count != null) ? count.get() : 0;
	}

}
