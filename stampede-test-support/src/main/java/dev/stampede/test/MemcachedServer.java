package dev.stampede.test;

import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code memcached} process on 127.0.0.1, 64 MB, no UDP.
 */
public final class MemcachedServer extends ServerProcess {

	public MemcachedServer() {
		super("memcached", "Install memcached (apt-get install memcached, or brew install memcached)");
	}

	@Override
	protected List<String> command(String executable, int port) {
		List<String> command = new ArrayList<>(List.of(executable, "-l", HOST, "-p", Integer.toString(port), "-U",
				"0", "-m", "64", "-t", "2", "-c", "1024"));
		if ("root".equals(System.getProperty("user.name"))) {
			// memcached refuses to run as root unless told which user to run as.
			command.addAll(List.of("-u", "root"));
		}
		return command;
	}

}
