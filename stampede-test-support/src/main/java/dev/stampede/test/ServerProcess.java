package dev.stampede.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A real server process on a free port of 127.0.0.1, which a test can start, stop,
 * kill (SIGKILL), pause (SIGSTOP), resume (SIGCONT) and restart on the same port.
 * A server that cannot be started fails the test: it is never skipped.
 */
public abstract class ServerProcess implements TestServer {

	/** The only address servers listen on and tests talk to. */
	public static final String HOST = "127.0.0.1";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

	private static final int PORT_ATTEMPTS = 5;

	private static final Set<Process> running = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(Process::destroyForcibly),
				"stampede-test-servers-shutdown"));
	}

	private final String executableName;

	private final String installHint;

	private @Nullable Process process;

	private int port;

	private @Nullable Path log;

	protected ServerProcess(String executableName, String installHint) {
		this.executableName = executableName;
		this.installHint = installHint;
	}

	/** Command line that runs the server on {@code port} of {@link #HOST}. */
	protected abstract List<String> command(String executable, int port);

	/**
	 * Starts the server on a free port, or on its previous port when it ran before.
	 * Returns once the server accepts connections.
	 */
	@Override
	public final synchronized void start() {
		if (this.process != null) {
			throw new IllegalStateException(this.executableName + " is already running on port " + this.port);
		}
		String executable = findExecutable();
		boolean fixedPort = this.port != 0;
		List<String> failures = new ArrayList<>();
		for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
			int candidate = fixedPort ? this.port : freePort();
			String failure = tryStart(executable, candidate);
			if (failure == null) {
				this.port = candidate;
				return;
			}
			failures.add("port " + candidate + ": " + failure);
			if (fixedPort) {
				sleep(Duration.ofMillis(200));
			}
		}
		throw new IllegalStateException("Could not start " + this.executableName + ": " + failures);
	}

	/** Stops the server gracefully (SIGTERM) and waits for it to exit. */
	@Override
	public final synchronized void stop() {
		Process current = this.process;
		if (current == null) {
			return;
		}
		resumeQuietly(current);
		current.destroy();
		awaitExit(current);
	}

	/** Kills the server at once (SIGKILL), as a crash would. */
	@Override
	public final synchronized void kill() {
		Process current = this.process;
		if (current == null) {
			return;
		}
		current.destroyForcibly();
		awaitExit(current);
	}

	/** Freezes the server (SIGSTOP): connections stay open, requests time out. */
	@Override
	public final synchronized void pause() {
		signal("STOP");
	}

	/** Lets a paused server go on (SIGCONT). */
	@Override
	public final synchronized void resume() {
		signal("CONT");
	}

	/** Stops the server and starts it again, empty, on the same port. */
	@Override
	public final synchronized void restart() {
		stop();
		start();
	}

	/** Whether the server process is alive. */
	@Override
	public final synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/** Port the server listens on. */
	public final synchronized int port() {
		if (this.port == 0) {
			throw new IllegalStateException(this.executableName + " has not been started");
		}
		return this.port;
	}

	/** {@code 127.0.0.1:port} of the server. */
	public final String address() {
		return HOST + ":" + port();
	}

	@Override
	public void close() {
		stop();
	}

	private @Nullable String tryStart(String executable, int candidate) {
		try {
			Path logFile = Files.createTempFile("stampede-" + this.executableName + "-", ".log");
			logFile.toFile().deleteOnExit();
			Process started = new ProcessBuilder(command(executable, candidate)).redirectErrorStream(true)
				.redirectOutput(logFile.toFile())
				.start();
			running.add(started);
			long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
			while (System.nanoTime() < deadline) {
				if (!started.isAlive()) {
					running.remove(started);
					return "exited with " + started.exitValue() + ": " + Files.readString(logFile, StandardCharsets.UTF_8)
						.strip();
				}
				if (accepts(candidate)) {
					this.process = started;
					this.log = logFile;
					return null;
				}
				sleep(Duration.ofMillis(20));
			}
			started.destroyForcibly();
			running.remove(started);
			return "did not accept connections within " + START_TIMEOUT.toSeconds() + " s";
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + executable, ex);
		}
	}

	private void signal(String signal) {
		Process current = this.process;
		if (current == null) {
			throw new IllegalStateException(this.executableName + " is not running");
		}
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(current.pid())).start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + current.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private void resumeQuietly(Process current) {
		try {
			new ProcessBuilder("kill", "-CONT", Long.toString(current.pid())).start().waitFor(10, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			// a stopped process that cannot be resumed is killed by destroy() all the same
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void awaitExit(Process current) {
		try {
			if (!current.waitFor(10, TimeUnit.SECONDS)) {
				current.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		running.remove(current);
		this.process = null;
	}

	private String findExecutable() {
		return findExecutable(this.executableName, this.installHint);
	}

	/**
	 * The path of an executable on the {@code PATH} or in the usual directories.
	 * @throws IllegalStateException naming {@code installHint} if there is none
	 */
	static String findExecutable(String executableName, String installHint) {
		List<String> directories = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
		directories.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin", "/opt/homebrew/bin"));
		for (String directory : directories) {
			File candidate = new File(directory, executableName);
			if (!directory.isEmpty() && candidate.canExecute()) {
				return candidate.getAbsolutePath();
			}
		}
		throw new IllegalStateException(executableName + " was not found on the PATH. " + installHint
				+ ", or run scripts/test.sh, which installs it");
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(HOST, port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port on " + HOST, ex);
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
