package dev.stampede.actuate;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.stampede.CacheStats;
import dev.stampede.CacheEvent;
import dev.stampede.Outcome;
import dev.stampede.Stampede;
import dev.stampede.StampedeInspection;
import dev.stampede.StampedeBackendException;
import dev.stampede.StampedeObserver;
import dev.stampede.UnreadableReason;
import dev.stampede.backend.CircuitBreakingBackend;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Stampede's Micrometer meters, tagged by cache: {@code stampede.calls} by
 * {@code outcome} (one per call, so they add up to the calls made),
 * {@code stampede.events} by {@code event}, {@code stampede.unreadable} by {@code reason},
 * {@code stampede.load} by {@code result}, {@code stampede.wait},
 * {@code stampede.leases.held}, {@code stampede.backend.errors} by {@code backend}
 * and {@code type}, and {@code stampede.backend.circuit.open}. Call counters read the engine's own counters, so
 * a call costs no meter look-up; meters of a cache are registered when the engine
 * first sees it.
 */
public class StampedeMetrics implements MeterBinder, StampedeObserver {

	private final Stampede stampede;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	public StampedeMetrics(Stampede stampede) {
		this.stampede = stampede;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		StampedeInspection inspection = this.stampede.inspection();
		if (inspection.backend() instanceof CircuitBreakingBackend circuit) {
			Gauge.builder("stampede.backend.circuit.open", circuit,
					(breaker) -> (breaker.circuitState() == CircuitBreaker.State.CLOSED) ? 0 : 1)
				.description("1 while the backend's circuit is open or half-open, else 0")
				.tag("backend", circuit.name())
				.register(registry);
		}
		this.stampede.setObserver(this);
		inspection.cacheNames().forEach((cache) -> register(registry, cache, inspection.stats(cache)));
	}

	@Override
	public void cacheAdded(String cache, CacheStats stats) {
		this.registries.forEach((registry) -> register(registry, cache, stats));
	}

	private void register(MeterRegistry registry, String cache, CacheStats stats) {
		for (Outcome outcome : Outcome.values()) {
			FunctionCounter.builder("stampede.calls", stats, (counted) -> counted.calls(outcome))
				.description("Protected calls by how they ended; the outcomes add up to the calls made")
				.tag("cache", cache)
				.tag("outcome", tagValue(outcome))
				.register(registry);
		}
		for (CacheEvent event : CacheEvent.values()) {
			FunctionCounter.builder("stampede.events", stats, (counted) -> counted.count(event))
				.description("What happened along protected calls: one call may count several events, or none")
				.tag("cache", cache)
				.tag("event", tagValue(event))
				.register(registry);
		}
		for (UnreadableReason reason : UnreadableReason.values()) {
			FunctionCounter.builder("stampede.unreadable", stats, (counted) -> counted.count(reason))
				.description("Calls that found data under their key they could not use, by why: each is a miss")
				.tag("cache", cache)
				.tag("reason", reason.tagValue())
				.register(registry);
		}
		Gauge.builder("stampede.leases.held", stats, CacheStats::leasesHeld)
			.description("Leases and refresh leases this JVM holds now")
			.tag("cache", cache)
			.register(registry);
	}

	/** The form of an outcome or event in meters and the endpoint, such as {@code call-through}. */
	public static String tagValue(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	@Override
	public void loaded(String cache, long nanos, boolean success) {
		String result = success ? "success" : "error";
		record("stampede.load", cache, result, nanos);
	}

	@Override
	public void waited(String cache, long nanos) {
		record("stampede.wait", cache, null, nanos);
	}

	@Override
	public void backendFailed(String backend, StampedeBackendException error) {
		Throwable cause = (error.getCause() != null) ? error.getCause() : error;
		for (MeterRegistry registry : this.registries) {
			Counter.builder("stampede.backend.errors")
				.description("Failed backend operations")
				.tag("backend", backend)
				.tag("type", cause.getClass().getSimpleName())
				.register(registry)
				.increment();
		}
	}

	private void record(String name, String cache, @Nullable String result, long nanos) {
		for (MeterRegistry registry : this.registries) {
			timer(registry, name, cache, result).record(nanos, TimeUnit.NANOSECONDS);
		}
	}

	private Timer timer(MeterRegistry registry, String name, String cache, @Nullable String result) {
		String id = System.identityHashCode(registry) + "|" + name + '|' + cache + '|' + result;
		return this.timers.computeIfAbsent(id, (key) -> {
			Timer.Builder builder = Timer.builder(name).tag("cache", cache);
			if (result != null) {
				builder.tag("result", result).description("Time the protected method took to load a value");
			}
			else {
				builder.description("Time a caller that lost the lease waited for the winner's value");
			}
			return builder.register(registry);
		});
	}

}
