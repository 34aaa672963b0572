package dev.stampede.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import dev.stampede.test.ServerProcess;

/**
 * Talks to the servers in their own text protocols, outside any client under test:
 * counts the commands they served and empties them between variants.
 */
final class ServerCommands {

	// memcached counts cas, add and replace in cmd_set, gets in cmd_get.
	private static final Set<String> MEMCACHED_COMMANDS = Set.of("cmd_get", "cmd_set", "cmd_touch", "delete_hits",
			"delete_misses", "incr_hits", "incr_misses", "decr_hits", "decr_misses");

	// The harness's own commands; whatever the clients send is counted.
	private static final Set<String> HARNESS_REDIS_COMMANDS = Set.of("info", "flushall");

	private ServerCommands() {
	}

	/** Commands the server has served since it started, the harness's own excepted. */
	static long commandsServed(Variant.Store store, ServerProcess server) throws IOException {
		try {
			return (store == Variant.Store.MEMCACHED) ? memcachedCommands(server) : redisCommands(server);
		}
		catch (IOException ex) {
			throw new IOException("Could not count the commands " + server.address() + " served: " + ex.getMessage(),
					ex);
		}
	}

	/** Removes every entry. */
	static void flush(Variant.Store store, ServerProcess server) throws IOException {
		String reply;
		try (Socket socket = connect(server)) {
			send(socket, (store == Variant.Store.MEMCACHED) ? "flush_all" : "FLUSHALL");
			reply = reader(socket).readLine();
		}
		catch (IOException ex) {
			throw new IOException("Could not flush " + server.address() + ": " + ex.getMessage(), ex);
		}
		if (reply == null || !reply.contains("OK")) {
			throw new IOException("Could not flush " + server.address() + ": " + reply);
		}
	}

	private static long memcachedCommands(ServerProcess server) throws IOException {
		try (Socket socket = connect(server)) {
			send(socket, "stats");
			BufferedReader reader = reader(socket);
			long total = 0;
			String line;
			while ((line = reader.readLine()) != null && !line.equals("END")) {
				String[] stat = line.split(" ");
				if (stat.length == 3 && MEMCACHED_COMMANDS.contains(stat[1])) {
					total += Long.parseLong(stat[2]);
				}
			}
			return total;
		}
	}

	// INFO answers one bulk string of lines like cmdstat_get:calls=12,usec=30,...
	private static long redisCommands(ServerProcess server) throws IOException {
		try (Socket socket = connect(server)) {
			send(socket, "INFO commandstats");
			BufferedReader reader = reader(socket);
			String header = reader.readLine();
			if (header == null || !header.startsWith("$")) {
				throw new IOException("Unexpected INFO reply from " + server.address() + ": " + header);
			}
			int remaining = Integer.parseInt(header.substring(1));
			long total = 0;
			while (remaining > 0) {
				String line = reader.readLine();
				if (line == null) {
					break;
				}
				remaining -= line.length() + 2;
				if (line.startsWith("cmdstat_")) {
					String name = line.substring("cmdstat_".length(), line.indexOf(':'));
					if (!HARNESS_REDIS_COMMANDS.contains(name)) {
						int calls = line.indexOf("calls=") + "calls=".length();
						total += Long.parseLong(line.substring(calls, line.indexOf(',', calls)));
					}
				}
			}
			return total;
		}
	}

	// Generous: a server just restarted may have every client of four JVMs reconnecting at
	// once, on a machine other processes share.
	private static Socket connect(ServerProcess server) throws IOException {
		Socket socket = new Socket(ServerProcess.HOST, server.port());
		socket.setSoTimeout(30_000);
		return socket;
	}

	private static void send(Socket socket, String command) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static BufferedReader reader(Socket socket) throws IOException {
		return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
	}

}
