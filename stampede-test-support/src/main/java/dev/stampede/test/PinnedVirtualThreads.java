package dev.stampede.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Records the virtual threads pinned to their carrier while an action runs, from JFR's
 * {@code jdk.VirtualThreadPinned} events at threshold 0 (JDK 21 and later), and names
 * for each pin the code that caused it: the innermost frame outside the JDK.
 */
public final class PinnedVirtualThreads {

	private PinnedVirtualThreads() {
	}

	/**
	 * Runs {@code action} while recording.
	 * @return what it returned, and the pins seen meanwhile
	 */
	public static <T> Recorded<T> during(Callable<T> action) throws Exception {
		try (Recording recording = new Recording()) {
			recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
			recording.start();
			T result = action.call();
			recording.stop();
			Path file = Files.createTempFile("virtual-thread-pins", ".jfr");
			try {
				recording.dump(file);
				return new Recorded<>(result, RecordingFile.readAllEvents(file).stream().map(Pin::of).toList());
			}
			finally {
				Files.delete(file);
			}
		}
	}

	/**
	 * What an action returned, and the pins seen while it ran.
	 * @param <T> what the action returns
	 * @param result what it returned
	 * @param pins every pin, in Stampede's code or not
	 */
	public record Recorded<T>(T result, List<Pin> pins) {

		/** The pins caused by Stampede's own code, not its tests' or a library's. */
		public List<Pin> inStampede() {
			return this.pins.stream().filter(Pin::isInStampede).toList();
		}

		/** The pins caused by any other code. */
		public List<Pin> elsewhere() {
			return this.pins.stream().filter((pin) -> !pin.isInStampede()).toList();
		}

	}

	/**
	 * One pinned virtual thread.
	 * @param culprit the innermost method outside the JDK, or empty when the stack is all JDK
	 * @param description the culprit, the reason the JDK gives and the stack
	 */
	public record Pin(String culprit, String description) {

		/** Whether Stampede's main code, not a test or a library, caused this pin. */
		public boolean isInStampede() {
			return this.culprit.startsWith("dev.stampede.") && !this.culprit.startsWith("dev.stampede.test.");
		}

		@Override
		public String toString() {
			return this.description;
		}

		static Pin of(RecordedEvent event) {
			RecordedStackTrace stack = event.getStackTrace();
			List<String> frames = (stack != null) ? stack.getFrames().stream().map(Pin::method).toList() : List.of();
			String culprit = frames.stream().filter((frame) -> !isJdk(frame)).findFirst().orElse("");
			StringBuilder description = new StringBuilder(culprit);
			if (event.hasField("pinnedReason")) {
				description.append(" (").append(event.getString("pinnedReason")).append(')');
			}
			frames.forEach((frame) -> description.append("\n\tat ").append(frame));
			return new Pin(culprit, description.toString());
		}

		private static String method(RecordedFrame frame) {
			return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
		}

		private static boolean isJdk(String method) {
			return method.startsWith("java.") || method.startsWith("jdk.") || method.startsWith("sun.")
					|| method.startsWith("com.sun.");
		}

	}

}
