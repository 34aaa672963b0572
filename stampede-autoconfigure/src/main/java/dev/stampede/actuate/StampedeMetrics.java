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
 * {@code stampede.leases.held}, {@code stampede.backend.errors} by {@code backend}
 * and {@code type}, and {@code stampede.backend.circuit.open}; and, unless Stampede's
 * observations make them, the timers {@code stampede.load} and {@code stampede.wait} by
 * {@code outcome} and {@code error}, as an observation's meter handler would. Call
 * counters read the engine's own counters, so a call costs no meter look-up; meters of
 * a cache are registered when the engine first sees it.
 */
public class StampedeMetrics implements MeterBinder, StampedeObserver {

	private static final String NO_ERROR = "none";

	private final Stampede stampede;

	private final boolean timed;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	/** Meters of {@code stampede}, its loads and waits timed. */
	public StampedeMetrics(Stampede stampede) {
		this(stampede, true);
	}

	/**
	 * Meters of {@code stampede}.
	 * @param timed whether these meters time loads and waits; {@code false} where
	 * {@code dev.stampede.observation.StampedeObservations} observe them through an
	 * {@code ObservationRegistry} whose meter handler makes the same timers, which
	 * would otherwise be made twice
	 */
	public StampedeMetrics(Stampede stampede, boolean timed) {
		this.stampede = stampede;
		this.timed = timed;
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
		this.stampede.addObserver(this);
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
	public Activity loadStarted(String cache, String key, @Nullable Object parent) {
		return this.timed ? new Timed("stampede.load", cache) : Activity.NONE;
	}

	@Override
	public Activity waitStarted(String cache, String key, @Nullable Object parent) {
		return this.timed ? new Timed("stampede.wait", cache) : Activity.NONE;
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

	private Timer timer(MeterRegistry registry, String name, String cache, String outcome, String error) {
		String id = System.identityHashCode(registry) + "|" + name + '|' + cache + '|' + outcome + '|' + error;
		return this.timers.computeIfAbsent(id, (key) -> Timer.builder(name)
			.description(name.equals("stampede.load") ? "Time the protected method took to load a value"
					: "Time a caller that lost the lease waited for the holder's value")
			.tag("cache", cache)
			.tag("outcome", outcome)
			.tag("error", error)
			.register(registry));
	}

	/**
	 * A load or a wait, timed from its start. A wait is told its outcome, how the call
	 * went on; a load's is {@code success} or {@code error}.
	 */
	private final class Timed implements Activity {

		private final String name;

		private final String cache;

		private final long start = System.nanoTime();

		private @Nullable String outcome;

		private String error = NO_ERROR;

		Timed(String name, String cache) {
			this.name = name;
			this.cache = cache;
		}

		@Override
		public void outcome(Outcome outcome) {
			this.outcome = tagValue(outcome);
		}

		@Override
		public void error(Throwable error) {
			this.error = error.getClass().getSimpleName();
		}

		@Override
		public void stop() {
			long nanos = System.nanoTime() - this.start;
			String outcome = (this.outcome != null) ? this.outcome : NO_ERROR.equals(this.error) ? "success" : "error";
			for (MeterRegistry registry : StampedeMetrics.this.registries) {
				timer(registry, this.name, this.cache, outcome, this.error).record(nanos, TimeUnit.NANOSECONDS);
			}
		}

	}

}
