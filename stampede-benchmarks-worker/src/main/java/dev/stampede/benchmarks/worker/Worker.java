package dev.stampede.benchmarks.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Runs one JVM's share of the stampede harness: reads commands from standard input,
 * calls the measured method from many threads at an agreed instant, and answers on
 * standard output with the calls made, the errors, the database queries and a
 * latency histogram. Lines of the protocol start with {@value #PREFIX}; anything else
 * the application prints is ignored by the harness.
 * <p>
 * Commands, one per line, instants in epoch milliseconds:
 * <ul>
 * <li>{@code cold <key> <start>}: every thread reads {@code key} once at {@code start}</li>
 * <li>{@code prime <prefix> <keys>}: one thread reads each of the keys once, untimed</li>
 * <li>{@code hot <prefix> <keys> <start> <end>}: every thread reads random keys until {@code end}</li>
 * <li>{@code quit}</li>
 * </ul>
 * Keys of a {@code hot} run are {@code <prefix>-0} to {@code <prefix>-<keys - 1>}; the
 * prefix selects the method (see {@link Reader}).
 */
public final class Worker {

	/** Start of every line of the protocol. */
	public static final String PREFIX = "@harness";

	/** Highest latency a histogram tracks, in microseconds. */
	public static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(2);

	private final Reader reader;

	private final Database database;

	private final int threads;

	private @Nullable PrintStream out;

	/**
	 * Reads products for the harness.
	 */
	@FunctionalInterface
	public interface Reader {

		/**
		 * Reads the product {@code key} through the measured cache. Keys starting with
		 * {@code hit-} belong to a cache whose entries outlive the run; all others to the
		 * cache with the short TTL under test.
		 */
		Product read(String key);

	}

	public Worker(Reader reader, Database database, int threads) {
		this.reader = reader;
		this.database = database;
		this.threads = threads;
	}

	/**
	 * Announces on {@code out} that the JVM is ready, then serves commands from
	 * {@code commands} until {@code quit} or their end.
	 */
	public void serve(InputStream commands, PrintStream out) throws IOException, InterruptedException {
		this.out = out;
		answer("ready");
		BufferedReader in = new BufferedReader(new InputStreamReader(commands, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			String[] command = line.trim().split(" ");
			switch (command[0]) {
				case "cold" -> run(Long.parseLong(command[2]), Long.MAX_VALUE, (random) -> command[1], true);
				case "prime" -> prime(command[1], Integer.parseInt(command[2]));
				case "hot" -> {
					String prefix = command[1];
					int keys = Integer.parseInt(command[2]);
					run(Long.parseLong(command[3]), Long.parseLong(command[4]),
							(random) -> prefix + "-" + random.nextInt(keys), false);
				}
				case "quit" -> {
					return;
				}
				default -> throw new IllegalArgumentException("Unknown harness command: " + line);
			}
		}
	}

	private void prime(String prefix, int keys) {
		for (int i = 0; i < keys; i++) {
			this.reader.read(prefix + "-" + i);
		}
		answer("primed");
	}

	// Every thread waits on one latch opened at the start instant, so that all of them,
	// in every JVM, call within a scheduler tick of each other.
	private void run(long startMillis, long endMillis, Function<ThreadLocalRandom, String> keys, boolean once)
			throws InterruptedException {
		CountDownLatch start = new CountDownLatch(1);
		LongAdder errors = new LongAdder();
		AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();
		List<Histogram> histograms = new ArrayList<>();
		List<Thread> callers = new ArrayList<>();
		long queriesBefore = this.database.queries();
		for (int i = 0; i < this.threads; i++) {
			Histogram histogram = new Histogram(MAX_LATENCY_MICROS, 3);
			histograms.add(histogram);
			Thread caller = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				ThreadLocalRandom random = ThreadLocalRandom.current();
				do {
					String key = keys.apply(random);
					long began = System.nanoTime();
					try {
						Product product = this.reader.read(key);
						if (product == null || !key.equals(product.id())) {
							errors.increment();
						}
					}
					catch (RuntimeException ex) {
						errors.increment();
						if (firstFailure.compareAndSet(null, ex)) {
							System.err.println("First failed call of this phase, reading " + key + ": " + ex);
						}
					}
					long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - began);
					histogram.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
				}
				while (!once && System.currentTimeMillis() < endMillis);
			}, "caller-" + i);
			caller.start();
			callers.add(caller);
		}
		long delay = startMillis - System.currentTimeMillis();
		if (delay > 0) {
			Thread.sleep(delay);
		}
		start.countDown();
		for (Thread caller : callers) {
			caller.join();
		}
		Histogram total = new Histogram(MAX_LATENCY_MICROS, 3);
		histograms.forEach(total::add);
		answer("done " + total.getTotalCount() + " " + errors.sum() + " "
				+ (this.database.queries() - queriesBefore) + " " + encode(total));
	}

	private void answer(String message) {
		PrintStream out = this.out;
		if (out != null) {
			out.println(PREFIX + " " + message);
			out.flush();
		}
	}

	/** A histogram as one token of a protocol line. */
	public static String encode(Histogram histogram) {
		ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
		int length = histogram.encodeIntoCompressedByteBuffer(buffer);
		byte[] bytes = new byte[length];
		buffer.flip();
		buffer.get(bytes);
		return Base64.getEncoder().encodeToString(bytes);
	}

	/** The histogram a protocol token holds. */
	public static Histogram decode(String token) {
		try {
			return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(token)), 0);
		}
		catch (DataFormatException ex) {
			throw new IllegalArgumentException("Not a histogram: " + token, ex);
		}
	}

}
