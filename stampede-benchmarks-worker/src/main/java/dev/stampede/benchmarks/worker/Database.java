package dev.stampede.benchmarks.worker;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * The slow database behind every measured cache: each query takes a fixed time and
 * is counted, so that the harness can tell how many times a stampede reached it.
 */
public final class Database {

	private final LongAdder queries = new LongAdder();

	private final long queryMillis;

	public Database(Duration queryTime) {
		this.queryMillis = queryTime.toMillis();
	}

	/** Reads a product the slow way. */
	public Product load(String id) {
		this.queries.increment();
		try {
			Thread.sleep(this.queryMillis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while querying " + id, ex);
		}
		return Product.of(id);
	}

	/** Queries run so far. */
	public long queries() {
		return this.queries.sum();
	}

}
