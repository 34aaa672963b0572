package dev.stampede.benchmarks.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * <li>{@code prime <prefix> <keys>}: one thread reads each of the keys once, untimed, trying
 * a failed read again a few times</li>
 * <li>{@code hot <prefix> <keys> <start> <end>}: every thread reads random keys until {@code end}</li>
 * <li>{@code fault <prefix> <keys> <start> <from> <to> <end>}: as {@code hot}; three more
 * answers, {@code before}, {@code during} and {@code after}, split the run at the
 * window from {@code from} to {@code to} in which the harness holds the cache server away</li>
 * <li>{@code quit}</li>
 * </ul>
 * Keys of a {@code hot} or {@code fault} run are {@code <prefix>-0} to
 * {@code <prefix>-<keys - 1>}; the prefix selects the method (see {@link Reader}).
 * Every such answer reads {@code <word> <calls> <errors> <queries> <latencies> <unfinished>}:
 * unfinished calls were still under way 30 s after the run's end (or start, for
 * {@code cold}); they count as calls and errors, with the latency they had reached then,
 * and the answer does not wait for them. A
 * {@code during} answer counts the calls in progress at some instant of the window and the
 * queries that began within it; {@code before} the calls that ended before it, {@code after}
 * those that began after it, and the queries that began then.
 */
public final class Worker {

	/** Start of every line of the protocol. */
	public static final String PREFIX = "@harness";

	/** Highest latency a histogram tracks, in microseconds. */
	public static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(2);

	private static final Duration UNFINISHED_AFTER = Duration.ofSeconds(30);

	private static final int PRIME_ATTEMPTS = 5;

	private static final long PRIME_RETRY_DELAY_MILLIS = 200;

	private final Reader reader;

	private final Database database;

	private final int threads;

	private final long unfinishedAfterMillis;

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
		this(reader, database, threads, UNFINISHED_AFTER);
	}

	Worker(Reader reader, Database database, int threads, Duration unfinishedAfter) {
		this.reader = reader;
		this.database = database;
		this.threads = threads;
		this.unfinishedAfterMillis = unfinishedAfter.toMillis();
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
				case "cold" -> run(Long.parseLong(command[2]), Long.MAX_VALUE, (random) -> command[1], true, null);
				case "prime" -> prime(command[1], Integer.parseInt(command[2]));
				case "hot" -> run(Long.parseLong(command[3]), Long.parseLong(command[4]),
						randomKeys(command[1], Integer.parseInt(command[2])), false, null);
				case "fault" -> {
					Window window = new Window(Long.parseLong(command[4]), Long.parseLong(command[5]));
					long end = Long.parseLong(command[6]);
					if (window.to() > end) {
						throw new IllegalArgumentException("The window of '" + line + "' ends after its run");
					}
					run(Long.parseLong(command[3]), end, randomKeys(command[1], Integer.parseInt(command[2])), false,
							window);
				}
				case "quit" -> {
					return;
				}
				default -> throw new IllegalArgumentException("Unknown harness command: " + line);
			}
		}
	}

	private static Function<ThreadLocalRandom, String> randomKeys(String prefix, int keys) {
		return (random) -> prefix + "-" + random.nextInt(keys);
	}

	// A read may fail while priming, as a connection's first handshake can on a busy machine:
	// it is tried again a few times, since the measured phases expect the keys cached.
	private void prime(String prefix, int keys) throws InterruptedException {
		for (int i = 0; i < keys; i++) {
			String key = prefix + "-" + i;
			for (int attempt = 1;; attempt++) {
				try {
					this.reader.read(key);
					break;
				}
				catch (RuntimeException ex) {
					if (attempt == PRIME_ATTEMPTS) {
						throw ex;
					}
					System.err.println("Priming " + key + " failed, trying again: " + ex);
					Thread.sleep(PRIME_RETRY_DELAY_MILLIS);
				}
			}
		}
		answer("primed");
	}

	// Every thread waits on one latch opened at the start instant, so that all of them,
	// in every JVM, call within a scheduler tick of each other. A call still under way long
	// after the end is given up: a cache that blocks its callers for good still gets an answer.
	private void run(long startMillis, long endMillis, Function<ThreadLocalRandom, String> keys, boolean once,
			@Nullable Window window) throws InterruptedException {
		CountDownLatch start = new CountDownLatch(1);
		AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();
		Tally all = new Tally(this.threads);
		// before, during and after the window
		List<Tally> spans = (window != null) ? List.of(new Tally(this.threads), new Tally(this.threads),
				new Tally(this.threads)) : List.of();
		List<Thread> callers = new ArrayList<>();
		List<Call> calls = new ArrayList<>();
		long queriesBefore = this.database.queries();
		for (int i = 0; i < this.threads; i++) {
			int thread = i;
			Call call = new Call();
			calls.add(call);
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
					long beganMillis = System.currentTimeMillis();
					long began = System.nanoTime();
					call.begin(beganMillis, began);
					boolean failed;
					try {
						Product product = this.reader.read(key);
						failed = product == null || !key.equals(product.id());
					}
					catch (RuntimeException ex) {
						failed = true;
						if (firstFailure.compareAndSet(null, ex)) {
							System.err.println("First failed call of this phase, reading " + key + ": " + ex);
						}
					}
					if (!call.end()) {
						return;
					}
					long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - began);
					all.record(thread, micros, failed);
					if (window != null) {
						spans.get(window.span(beganMillis, System.currentTimeMillis())).record(thread, micros, failed);
					}
				}
				while (!once && System.currentTimeMillis() < endMillis);
			}, "caller-" + i);
			caller.start();
			callers.add(caller);
		}
		long[] queriesAt = new long[2];
		Thread sampler = (window != null) ? countQueries(window, queriesAt) : null;
		sleepUntil(startMillis);
		start.countDown();
		long deadline = (once ? startMillis : endMillis) + this.unfinishedAfterMillis;
		for (Thread caller : callers) {
			caller.join(Math.max(1, deadline - System.currentTimeMillis()));
		}
		for (int i = 0; i < callers.size(); i++) {
			Call call = calls.get(i);
			if (call.giveUp()) {
				long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - call.beganNanos);
				all.recordUnfinished(micros);
				if (window != null) {
					spans.get(window.span(call.beganMillis, System.currentTimeMillis())).recordUnfinished(micros);
				}
				System.err.println(callers.get(i).getName() + " was still in a call " + micros / 1000 + " ms after "
						+ "it began; the answer counts it as unfinished");
			}
			else {
				// its call ended: it records that one, then leaves its loop
				callers.get(i).join(this.unfinishedAfterMillis);
			}
		}
		long queriesAfter = this.database.queries();
		answer(all.answer("done", queriesAfter - queriesBefore));
		if (sampler != null) {
			sampler.join();
			answer(spans.get(0).answer("before", queriesAt[0] - queriesBefore));
			answer(spans.get(1).answer("during", queriesAt[1] - queriesAt[0]));
			answer(spans.get(2).answer("after", queriesAfter - queriesAt[1]));
		}
	}

	// A query is counted as it begins, so the counts at both ends of the window tell how
	// many began before, within and after it, whichever thread ran them.
	private Thread countQueries(Window window, long[] queriesAt) {
		Thread sampler = new Thread(() -> {
			try {
				sleepUntil(window.from());
				queriesAt[0] = this.database.queries();
				sleepUntil(window.to());
				queriesAt[1] = this.database.queries();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "window-queries");
		sampler.start();
		return sampler;
	}

	private static void sleepUntil(long epochMillis) throws InterruptedException {
		long delay = epochMillis - System.currentTimeMillis();
		if (delay > 0) {
			Thread.sleep(delay);
		}
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

	/** Instants, in epoch milliseconds, between which the harness holds the cache server away. */
	private record Window(long from, long to) {

		Window {
			if (to <= from) {
				throw new IllegalArgumentException("A fault window must end after it begins: " + from + " to " + to);
			}
		}

		/** 0 for a call that ended before the window, 2 for one that began after it, 1 otherwise. */
		int span(long beganMillis, long endedMillis) {
			if (endedMillis < this.from) {
				return 0;
			}
			return (beganMillis >= this.to) ? 2 : 1;
		}

	}

	/** The call a caller thread is in, if any, which the thread and the run race to end or give up. */
	private static final class Call {

		private static final int IDLE = 0;

		private static final int CALLING = 1;

		private static final int GIVEN_UP = 2;

		private final AtomicInteger state = new AtomicInteger(IDLE);

		private volatile long beganMillis;

		private volatile long beganNanos;

		void begin(long millis, long nanos) {
			this.beganMillis = millis;
			this.beganNanos = nanos;
			this.state.set(CALLING);
		}

		/** Whether the call ended before the run gave it up, so that its thread records it. */
		boolean end() {
			return this.state.compareAndSet(CALLING, IDLE);
		}

		/** Whether the call was still under way, so that the run records it as unfinished. */
		boolean giveUp() {
			return this.state.compareAndSet(CALLING, GIVEN_UP);
		}

	}

	/**
	 * Calls of one run, or of a span of it: a histogram per caller thread, their errors,
	 * and the calls given up unfinished, which count as errors too.
	 */
	private static final class Tally {

		private final Histogram[] histograms;

		private final LongAdder errors = new LongAdder();

		// written by the run's own thread only, after the callers are given up
		private final Histogram unfinishedLatencies = new Histogram(MAX_LATENCY_MICROS, 3);

		private long unfinished;

		Tally(int threads) {
			this.histograms = new Histogram[threads];
			for (int i = 0; i < threads; i++) {
				this.histograms[i] = new Histogram(MAX_LATENCY_MICROS, 3);
			}
		}

		void record(int thread, long micros, boolean failed) {
			this.histograms[thread].recordValue(Math.min(micros, MAX_LATENCY_MICROS));
			if (failed) {
				this.errors.increment();
			}
		}

		void recordUnfinished(long micros) {
			this.unfinishedLatencies.recordValue(Math.min(micros, MAX_LATENCY_MICROS));
			this.unfinished++;
			this.errors.increment();
		}

		String answer(String word, long queries) {
			Histogram total = this.unfinishedLatencies.copy();
			for (Histogram histogram : this.histograms) {
				total.add(histogram);
			}
			return word + " " + total.getTotalCount() + " " + this.errors.sum() + " " + queries + " " + encode(total)
					+ " " + this.unfinished;
		}

	}

}
