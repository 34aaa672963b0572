package dev.stampede.autoconfigure;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.stampede.annotation.StampedeEvict;
import dev.stampede.annotation.StampedeProtected;

/**
 * A service whose methods use every feature of the annotations, counting how often
 * each method body really runs.
 */
public class Catalog {

	private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	public int calls(String method) {
		return this.calls.computeIfAbsent(method, (m) -> new AtomicInteger()).get();
	}

	private void called(String method) {
		this.calls.computeIfAbsent(method, (m) -> new AtomicInteger()).incrementAndGet();
	}

	@StampedeProtected(cache = "products", key = "#id")
	public String product(long id) throws InterruptedException {
		called("product");
		Thread.sleep(100);
		return "product-" + id;
	}

	@StampedeEvict(cache = "products", key = "#id")
	public void update(long id) {
		called("update");
	}

	@StampedeEvict(cache = "products", allEntries = true)
	public void clearProducts() {
		called("clearProducts");
	}

	@StampedeEvict(cache = "products", key = "#id", beforeInvocation = true)
	public void failingUpdate(long id) {
		throw new IllegalStateException("update of " + id + " failed after the eviction");
	}

	@StampedeProtected(cache = "stale", key = "#id", ttl = "300ms", staleTtl = "1m")
	public String staleServed(long id) {
		called("staleServed");
		return "stale-" + id + "-" + calls("staleServed");
	}

	@StampedeProtected(cache = "by-index", key = "#p0 + ':' + #a1")
	public String byIndex(String first, String second) {
		called("byIndex");
		return first + second;
	}

	@StampedeProtected(cache = "by-root", key = "#root.methodName + ':' + #id")
	public String byRoot(long id) {
		called("byRoot");
		return "root-" + id;
	}

	@StampedeProtected(cache = "default-key")
	public String defaultKey(String name, int number) {
		called("defaultKey");
		return name + number;
	}

	@StampedeProtected(cache = "conditional", key = "#id", condition = "#id > 0")
	public String conditional(long id) {
		called("conditional");
		return "conditional-" + id;
	}

	@StampedeProtected(cache = "unless", key = "#id", unless = "#result.startsWith('temporary')")
	public String unless(long id) {
		called("unless");
		return (id % 2 == 0) ? "temporary-" + id : "lasting-" + id;
	}

	@StampedeProtected(cache = "optional", key = "#id")
	public Optional<String> optional(long id) {
		called("optional");
		return (id == 0) ? Optional.empty() : Optional.of("optional-" + id);
	}

	@StampedeProtected(cache = "nulls", key = "#name")
	public String nothing(String name) {
		called("nothing");
		return null;
	}

	@StampedeProtected(cache = "futures", key = "#id")
	public CompletableFuture<String> future(long id) {
		called("future");
		return CompletableFuture.supplyAsync(() -> "future-" + id,
				CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
	}

	@StampedeProtected(cache = "configured-ttl", key = "#id", ttl = "1h")
	public String configuredTtl(long id) {
		called("configuredTtl");
		return "configured-" + id + "-" + calls("configuredTtl");
	}

	@StampedeProtected(cache = "annotated-ttl", key = "#id", ttl = "${catalog.annotated-ttl:1s}")
	public String annotatedTtl(long id) {
		called("annotatedTtl");
		return "annotated-" + id + "-" + calls("annotatedTtl");
	}

	@StampedeProtected(cache = "failing", key = "#id")
	public String failing(long id) throws IOException {
		called("failing");
		throw new IOException("database unavailable for " + id);
	}

	@StampedeProtected(cache = "unserializable", key = "#id")
	public Object unserializable(long id) {
		called("unserializable");
		return new NotSerializable(id);
	}

	public record NotSerializable(long id) {
	}

}
