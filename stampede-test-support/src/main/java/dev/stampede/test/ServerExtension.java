package dev.stampede.test;

import java.util.function.Supplier;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real server for tests. Registered on a {@code static} field it runs one
 * server per test class; on an instance field, one per test, for tests that kill or
 * restart it. The server is always stopped afterwards.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final ServerExtension&lt;MemcachedServer&gt; memcached = ServerExtension.memcached();
 *
 * String servers = memcached.server().address();
 * </pre>
 *
 * @param <S> the kind of server
 */
public final class ServerExtension<S extends TestServer>
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private final S server;

	private boolean perClass;

	private ServerExtension(Supplier<S> server) {
		this.server = server.get();
	}

	/** An extension that runs {@code memcached}. */
	public static ServerExtension<MemcachedServer> memcached() {
		return new ServerExtension<>(MemcachedServer::new);
	}

	/** An extension that runs {@code redis-server}. */
	public static ServerExtension<RedisServer> redis() {
		return new ServerExtension<>(RedisServer::new);
	}

	/** An extension that runs a Redis Cluster of three masters. */
	public static ServerExtension<RedisCluster> redisCluster() {
		return new ServerExtension<>(RedisCluster::new);
	}

	/** The server, to read its address or to stop, kill, pause, resume or restart it. */
	public S server() {
		return this.server;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.perClass = true;
		this.server.start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.server.stop();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (!this.perClass) {
			this.server.start();
		}
		else if (!this.server.isRunning()) {
			// a test of this class killed or stopped the shared server, or part of it
			this.server.start();
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (!this.perClass) {
			this.server.stop();
		}
		else if (this.server.isRunning()) {
			this.server.resume();
		}
	}

}
