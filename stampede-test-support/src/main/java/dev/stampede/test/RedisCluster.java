package dev.stampede.test;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.lettuce.core.cluster.SlotHash;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A real Redis Cluster on 127.0.0.1: three masters without replicas, each a
 * {@code redis-server --cluster-enabled yes} process with a directory and
 * {@code nodes.conf} of its own and no persistence, joined by
 * {@code redis-cli --cluster create}. It serves once every node's {@code cluster info}
 * says {@code cluster_state:ok}. Stopping, killing, pausing and restarting act on every
 * node; {@link #nodes()} and {@link #nodeServing(String)} harm one. A node killed and
 * started again keeps its {@code nodes.conf}, so it rejoins with its slots, empty.
 */
public final class RedisCluster implements TestServer {

	private static final int MASTERS = 3;

	private static final Duration CONVERGE_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);

	private static final String INSTALL_HINT = "Install Redis (apt-get install redis-server, or brew install redis)";

	private final List<Node> nodes = new ArrayList<>();

	private boolean created;

	public RedisCluster() {
		for (int i = 0; i < MASTERS; i++) {
			this.nodes.add(new Node());
		}
	}

	/** The masters, in the order their slots run: the first serves slot 0. */
	public List<Node> nodes() {
		return List.copyOf(this.nodes);
	}

	/** The master that serves {@code key}'s slot. */
	public Node nodeServing(String key) {
		int slot = SlotHash.getSlot(key);
		Node asked = this.nodes.stream()
			.filter(Node::isRunning)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No node of " + this + " runs"));
		for (String line : command(asked, "CLUSTER", "NODES").split("\n")) {
			String[] fields = line.trim().split(" ");
			if (fields.length < 9 || !fields[2].contains("master")) {
				continue;
			}
			int port = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1, fields[1].indexOf('@')));
			for (int i = 8; i < fields.length; i++) {
				String[] range = fields[i].split("-");
				if (!range[0].startsWith("[") && slot >= Integer.parseInt(range[0])
						&& slot <= Integer.parseInt(range[range.length - 1])) {
					return this.nodes.stream()
						.filter((node) -> node.port() == port)
						.findFirst()
						.orElseThrow(() -> new IllegalStateException("Port " + port + " is not a node of " + this));
				}
			}
		}
		throw new IllegalStateException("No master serves slot " + slot + " of '" + key + "'");
	}

	/** Deletes every key of every node, which must all run. */
	public void flushAll() {
		this.nodes.forEach((node) -> command(node, "FLUSHALL"));
	}

	/** {@code host:port} of every node, comma-separated, as {@code spring.data.redis.cluster.nodes} takes them. */
	public String addresses() {
		return this.nodes.stream().map(ServerProcess::address).collect(Collectors.joining(","));
	}

	/**
	 * A started Lettuce connection factory to the cluster, with a 500 ms command
	 * timeout, which learns the topology from every node. The caller destroys it.
	 */
	public LettuceConnectionFactory connectionFactory() {
		return connectionFactory(null);
	}

	/**
	 * A started Lettuce connection factory as {@link #connectionFactory()}, whose
	 * connections name themselves {@code clientName} to the nodes ({@code CLIENT LIST}
	 * shows which node each talks to), or do not name themselves if it is {@code null}.
	 */
	public LettuceConnectionFactory connectionFactory(@Nullable String clientName) {
		RedisClusterConfiguration cluster = new RedisClusterConfiguration(
				this.nodes.stream().map(ServerProcess::address).toList());
		LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
			.clientResources(RedisServer.resources)
			.commandTimeout(Duration.ofMillis(500));
		if (clientName != null) {
			client.clientName(clientName);
		}
		LettuceConnectionFactory factory = new LettuceConnectionFactory(cluster, client.build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * Starts the nodes that do not run and resumes the paused ones, joins them into a
	 * cluster the first time, and returns once every node says the cluster is ok.
	 */
	@Override
	public synchronized void start() {
		for (Node node : this.nodes) {
			if (node.isRunning()) {
				node.resume();
			}
			else {
				node.start();
			}
		}
		if (!this.created) {
			create();
			this.created = true;
		}
		awaitOk();
	}

	/** Stops every node and forgets the cluster: the next start joins new nodes. */
	@Override
	public synchronized void stop() {
		this.nodes.forEach(Node::stop);
		if (this.created) {
			this.nodes.forEach(Node::deleteDirectory);
			this.nodes.replaceAll((node) -> new Node());
			this.created = false;
		}
	}

	@Override
	public synchronized void kill() {
		this.nodes.forEach(Node::kill);
	}

	@Override
	public synchronized void pause() {
		this.nodes.forEach(Node::pause);
	}

	@Override
	public synchronized void resume() {
		this.nodes.forEach(Node::resume);
	}

	/** Stops every node and starts it again, empty, with its slots. */
	@Override
	public synchronized void restart() {
		this.nodes.forEach(Node::stop);
		start();
	}

	@Override
	public synchronized boolean isRunning() {
		return this.nodes.stream().allMatch(Node::isRunning);
	}

	@Override
	public void close() {
		stop();
	}

	@Override
	public String toString() {
		return "Redis Cluster " + this.nodes.stream()
			.map((node) -> node.isRunning() ? node.address() : "(not running)")
			.collect(Collectors.joining(","));
	}

	private void create() {
		List<String> command = new ArrayList<>(
				List.of(ServerProcess.findExecutable("redis-cli", INSTALL_HINT), "--cluster", "create"));
		this.nodes.forEach((node) -> command.add(node.address()));
		command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		try {
			Path output = Files.createTempFile("stampede-redis-cluster-create-", ".log");
			try {
				Process create = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(output.toFile())
					.start();
				if (!create.waitFor(CREATE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
					create.destroyForcibly();
					throw new IllegalStateException(String.join(" ", command) + " did not finish within "
							+ CREATE_TIMEOUT.toSeconds() + " s: " + Files.readString(output));
				}
				if (create.exitValue() != 0) {
					throw new IllegalStateException(String.join(" ", command) + " exited with " + create.exitValue()
							+ ": " + Files.readString(output));
				}
			}
			finally {
				Files.deleteIfExists(output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating " + this, ex);
		}
	}

	private void awaitOk() {
		long deadline = System.nanoTime() + CONVERGE_TIMEOUT.toNanos();
		List<String> states = List.of();
		while (System.nanoTime() < deadline) {
			states = this.nodes.stream().map(RedisCluster::state).toList();
			if (states.stream().allMatch("ok"::equals)) {
				return;
			}
			sleep(Duration.ofMillis(50));
		}
		throw new IllegalStateException(this + " did not reach cluster_state:ok within " + CONVERGE_TIMEOUT.toSeconds()
				+ " s; its nodes say " + states);
	}

	private static String state(Node node) {
		try {
			for (String line : command(node, "CLUSTER", "INFO").split("\r\n")) {
				if (line.startsWith("cluster_state:")) {
					return line.substring("cluster_state:".length());
				}
			}
			return "no cluster_state";
		}
		catch (UncheckedIOException ex) {
			return ex.getCause().getMessage();
		}
	}

	/**
	 * Sends one command to one node, without the cluster's redirections.
	 * @return the reply: a bulk string's text, or an integer's or status's digits
	 */
	public static String command(Node node, String... arguments) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(ServerProcess.HOST, node.port()), 1000);
			socket.setSoTimeout(1000);
			StringBuilder request = new StringBuilder("*").append(arguments.length).append("\r\n");
			for (String argument : arguments) {
				request.append('$')
					.append(argument.getBytes(StandardCharsets.UTF_8).length)
					.append("\r\n")
					.append(argument)
					.append("\r\n");
			}
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = new BufferedInputStream(socket.getInputStream());
			String header = readLine(in);
			if (header.startsWith(":") || header.startsWith("+")) {
				return header.substring(1);
			}
			if (!header.startsWith("$")) {
				throw new IOException(String.join(" ", arguments) + " answered " + header);
			}
			byte[] body = in.readNBytes(Integer.parseInt(header.substring(1)));
			return new String(body, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b < 0) {
				throw new IOException("the connection closed");
			}
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
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

	/**
	 * One master of the cluster: {@code redis-server} with cluster mode on, its
	 * {@code nodes.conf} in a directory of its own, no persistence of data.
	 */
	public static final class Node extends ServerProcess {

		private final Path directory;

		Node() {
			super("redis-server", INSTALL_HINT);
			try {
				this.directory = Files.createTempDirectory("stampede-redis-cluster-node-");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		protected List<String> command(String executable, int port) {
			return List.of(executable, "--bind", HOST, "--port", Integer.toString(port), "--cluster-enabled", "yes",
					"--cluster-config-file", "nodes.conf", "--dir", this.directory.toString(), "--save", "",
					"--appendonly", "no", "--protected-mode", "no");
		}

		private void deleteDirectory() {
			try (Stream<Path> files = Files.walk(this.directory)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
