package dev.stampede.reactive;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import reactor.blockhound.BlockHound;

/**
 * Every blocking call made on a thread that must not block (Netty's event loops,
 * Reactor's parallel threads) since BlockHound was installed in this JVM. BlockHound
 * instruments the JDK's blocking methods (sleeping, parking, waiting on a monitor,
 * socket and file I/O); these calls are recorded rather than thrown, so that a test
 * names every one of them instead of failing a request somewhere on an event loop.
 */
final class BlockingCalls {

	private static final List<String> SEEN = new CopyOnWriteArrayList<>();

	static {
		BlockHound.install((builder) -> builder.blockingMethodCallback((method) -> SEEN.add(
				Thread.currentThread().getName() + " blocked in " + method + " at\n" + where())));
	}

	private BlockingCalls() {
	}

	/** Installs BlockHound, once per JVM. */
	static void install() {
	}

	static List<String> seen() {
		return List.copyOf(SEEN);
	}

	static void clear() {
		SEEN.clear();
	}

	private static String where() {
		return Arrays.stream(new Throwable().getStackTrace())
			.filter((frame) -> !frame.getClassName().startsWith("reactor.blockhound")
					&& !frame.getClassName().equals(BlockingCalls.class.getName()))
			.limit(80)
			.map((frame) -> "\t" + frame)
			.collect(Collectors.joining("\n"));
	}

}
