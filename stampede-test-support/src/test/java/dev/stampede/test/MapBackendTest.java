package dev.stampede.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import dev.stampede.Envelope;
import dev.stampede.backend.KeyEvent;
import dev.stampede.backend.KeyEventListener;
import dev.stampede.backend.KeyValueBackend;
import dev.stampede.backend.Slot;
import dev.stampede.backend.StampedeBackend;
import dev.stampede.codec.JdkSerializationCodec;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protocol of {@link KeyValueBackend} on a store that is nothing but a map of bytes:
 * a new store is one class over the primitives and a subclass of the contract.
 */
class MapBackendTest extends SharedStoreBackendContract {

	private MapBackend store;

	@Override
	protected StampedeBackend createBackend() {
		this.store = new MapBackend();
		return this.store;
	}

	@Override
	protected void writeForeignBytes(String key, byte[] bytes) {
		this.store.items.put(key, new MapBackend.Item(bytes, this.store.versions.incrementAndGet(), Long.MAX_VALUE));
	}

	@Override
	protected void loseKey(String key) {
		this.store.items.remove(key);
	}

	@Test
	void theHoldersWriteAndReleaseAreToldToSubscribersAndAnIntrudersAreNot() throws Exception {
		List<String> heard = new CopyOnWriteArrayList<>();
		try (AutoCloseable subscription = this.store.subscribe((event, cache, key) -> heard.add(event + " " + key))) {
			Envelope value = new Envelope("value", Long.MAX_VALUE, Long.MAX_VALUE, 1);
			this.store.tryLease("written", Slot.EMPTY, "holder", Duration.ofSeconds(2));
			assertThat(this.store.fulfilLease("cache", "written", "intruder", value, Duration.ofMinutes(1))).isFalse();
			assertThat(this.store.fulfilLease("cache", "written", "holder", value, Duration.ofMinutes(1))).isTrue();
			this.store.tryLease("abandoned", Slot.EMPTY, "holder", Duration.ofSeconds(2));
			this.store.abandonLease("cache", "abandoned", "intruder");
			this.store.abandonLease("cache", "abandoned", "holder");
			this.store.publishEviction("cache", "written");
		}
		assertThat(heard).containsExactly(KeyEvent.LEASE_ENDED + " written", KeyEvent.LEASE_ENDED + " abandoned",
				KeyEvent.EVICTED + " written");
	}

	/** Items in a map, each with a version from a counter that never restarts and a deadline. */
	static final class MapBackend extends KeyValueBackend {

		final Map<String, Item> items = new ConcurrentHashMap<>();

		final AtomicLong versions = new AtomicLong();

		private final List<KeyEventListener> listeners = new CopyOnWriteArrayList<>();

		MapBackend() {
			super(new JdkSerializationCodec(null));
		}

		@Override
		public String name() {
			return "map";
		}

		@Override
		protected @Nullable Stored get(String key) {
			Item item = this.items.get(key);
			return (item != null && item.isLive()) ? new Stored(item.bytes(), item.version()) : null;
		}

		@Override
		protected boolean add(String key, byte[] bytes, @Nullable Duration ttl) {
			Item added = item(bytes, ttl);
			return this.items.merge(key, added, (current, next) -> current.isLive() ? current : next) == added;
		}

		@Override
		protected boolean compareAndSet(String key, long version, byte[] bytes, Duration ttl) {
			Item replacement = item(bytes, ttl);
			return this.items.computeIfPresent(key,
					(k, current) -> isAt(current, version) ? replacement : current) == replacement;
		}

		@Override
		protected boolean compareAndDelete(String key, long version) {
			boolean[] deleted = new boolean[1];
			this.items.computeIfPresent(key, (k, current) -> {
				deleted[0] = isAt(current, version);
				return deleted[0] ? null : current;
			});
			return deleted[0];
		}

		@Override
		protected void delete(String... keys) {
			for (String key : keys) {
				this.items.remove(key);
			}
		}

		@Override
		protected long increment(String key, long initial) {
			Item item = this.items.compute(key, (k, current) -> {
				long count = (current != null && current.isLive())
						? Long.parseLong(new String(current.bytes(), StandardCharsets.US_ASCII)) + 1 : initial;
				return item(Long.toString(count).getBytes(StandardCharsets.US_ASCII), null);
			});
			return Long.parseLong(new String(item.bytes(), StandardCharsets.US_ASCII));
		}

		@Override
		protected void publish(KeyEvent event, String cache, String key) {
			this.listeners.forEach((listener) -> listener.onKeyEvent(event, cache, key));
		}

		@Override
		public AutoCloseable subscribe(KeyEventListener listener) {
			this.listeners.add(listener);
			return () -> this.listeners.remove(listener);
		}

		private Item item(byte[] bytes, @Nullable Duration ttl) {
			long deadline = (ttl != null) ? System.nanoTime() + ttl.toNanos() : Long.MAX_VALUE;
			return new Item(bytes, this.versions.incrementAndGet(), deadline);
		}

		private static boolean isAt(Item item, long version) {
			return item.isLive() && item.version() == version;
		}

		record Item(byte[] bytes, long version, long deadlineNanos) {

			boolean isLive() {
				return this.deadlineNanos == Long.MAX_VALUE || System.nanoTime() - this.deadlineNanos < 0;
			}

		}

	}

}
