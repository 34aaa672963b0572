package dev.stampede.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.stampede.benchmarks.worker.Worker;

/**
 * One worker JVM: its commands go to standard input, its protocol lines come back on
 * standard output, everything else it prints goes to its log file.
 */
final class WorkerProcess implements AutoCloseable {

	private final Process process;

	private final PrintWriter commands;

	private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

	private final Path log;

	WorkerProcess(List<String> command, Path log) throws IOException {
		this.log = log;
		Files.createDirectories(log.getParent());
		Files.deleteIfExists(log);
		Files.createFile(log);
		this.process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		this.commands = new PrintWriter(this.process.getOutputStream(), true, StandardCharsets.UTF_8);
		Thread reader = new Thread(this::readAnswers, "harness-worker-output");
		reader.setDaemon(true);
		reader.start();
	}

	private void readAnswers() {
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = output.readLine()) != null) {
				if (line.startsWith(Worker.PREFIX + " ")) {
					this.answers.add(line.substring(Worker.PREFIX.length() + 1));
				}
				else {
					Files.writeString(this.log, line + System.lineSeparator(), StandardCharsets.UTF_8,
							StandardOpenOption.APPEND);
				}
			}
		}
		catch (IOException ex) {
			// the process ended; await() reports it
		}
	}

	void send(String command) {
		this.commands.println(command);
	}

	/** The next answer, failing with the worker's log when it does not come within {@code timeout}. */
	String await(Duration timeout) throws IOException, InterruptedException {
		String answer = this.answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		if (answer == null) {
			throw new IOException("A worker did not answer within " + timeout.toSeconds() + " s"
					+ (this.process.isAlive() ? "" : " (it exited with " + this.process.exitValue() + ")")
					+ "; its output is in " + this.log);
		}
		return answer;
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			send("quit");
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

}
