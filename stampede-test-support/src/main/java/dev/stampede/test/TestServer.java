package dev.stampede.test;

/**
 * A server that tests run and harm: one process ({@link ServerProcess}) or several that
 * serve together ({@link RedisCluster}). A server that cannot be started fails the test.
 */
public interface TestServer extends AutoCloseable {

	/** Starts the server, on its previous ports when it ran before, and returns once it serves. */
	void start();

	/** Stops the server gracefully and waits for it to exit. */
	void stop();

	/** Kills the server at once (SIGKILL), as a crash would. */
	void kill();

	/** Freezes the server (SIGSTOP): connections stay open, requests time out. */
	void pause();

	/** Lets a paused server go on (SIGCONT). */
	void resume();

	/** Stops the server and starts it again, empty, on the same ports. */
	void restart();

	/** Whether the server is alive. */
	boolean isRunning();

	/** Stops the server. */
	@Override
	void close();

}
