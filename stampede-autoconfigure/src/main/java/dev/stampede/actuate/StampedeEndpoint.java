package dev.stampede.actuate;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.stampede.CacheSettings;
import dev.stampede.CacheStats;
import dev.stampede.CallSite;
import dev.stampede.Outcome;
import dev.stampede.Stampede;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.convert.DurationStyle;

/**
 * The {@code stampede} endpoint: the backend, and every cache with its effective
 * settings and counters; one cache with the leases this JVM holds and the keys being
 * resolved now; and, once access is granted
 * ({@code management.endpoint.stampede.access=unrestricted}), a delete operation that
 * evicts a key.
 */
@Endpoint(id = "stampede", defaultAccess = Access.READ_ONLY)
public class StampedeEndpoint {

	private static final int LIST_LIMIT = 100;

	private final Stampede stampede;

	public StampedeEndpoint(Stampede stampede) {
		this.stampede = stampede;
	}

	@ReadOperation
	public StampedeDescriptor stampede() {
		Map<String, CacheDescriptor> caches = new TreeMap<>();
		for (String cache : this.stampede.inspection().cacheNames()) {
			caches.put(cache, describe(cache, false));
		}
		return new StampedeDescriptor(this.stampede.inspection().backend().name(), this.stampede.inspection().backend().toString(),
				caches);
	}

	@ReadOperation
	public @Nullable CacheDescriptor cache(@Selector String cache) {
		return this.stampede.inspection().cacheNames().contains(cache) ? describe(cache, true) : null;
	}

	@DeleteOperation
	public void evict(@Selector String cache, @Selector String key) {
		this.stampede.evict(cache, key);
	}

	private CacheDescriptor describe(String cache, boolean detailed) {
		CacheStats stats = this.stampede.inspection().stats(cache);
		Map<String, Long> calls = stats.snapshot()
			.entrySet()
			.stream()
			.collect(Collectors.toMap((entry) -> name(entry.getKey()), Map.Entry::getValue, (a, b) -> a,
					TreeMap::new));
		Map<String, SettingsDescriptor> callSites = new TreeMap<>();
		for (CallSite site : this.stampede.inspection().callSites(cache)) {
			callSites.put(site.origin(), SettingsDescriptor.of(site.settings()));
		}
		return new CacheDescriptor(SettingsDescriptor.of(this.stampede.inspection().settings(cache)), callSites, calls,
				stats.leasesHeld(), detailed ? stats.heldLeaseKeys(LIST_LIMIT) : null,
				detailed ? this.stampede.inspection().inFlightKeys(cache, LIST_LIMIT) : null);
	}

	private static String name(Outcome outcome) {
		return outcome.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The backend and every cache.
	 * @param backend the backend's name
	 * @param connection where the backend is
	 * @param caches every cache by name
	 */
	public record StampedeDescriptor(String backend, String connection, Map<String, CacheDescriptor> caches) {
	}

	/**
	 * One cache.
	 * @param settings effective settings of calls that override none (configuration over defaults)
	 * @param callSites effective settings of each annotated method or programmatic caller, by origin
	 * @param calls calls by outcome since start
	 * @param leasesHeld leases and refresh leases this JVM holds now
	 * @param heldLeases keys of those leases (at most 100), in the single-cache view
	 * @param inFlight backend keys being resolved in this JVM now (at most 100), in the single-cache view
	 */
	public record CacheDescriptor(SettingsDescriptor settings, Map<String, SettingsDescriptor> callSites,
			Map<String, Long> calls, int leasesHeld, @Nullable List<String> heldLeases,
			@Nullable List<String> inFlight) {
	}

	/**
	 * Effective settings, durations in Spring's simple form.
	 */
	public record SettingsDescriptor(String ttl, String staleTtl, String leaseTtl, String maxWait,
			String backoffInitial, String backoffMax, double backoffMultiplier, double backoffJitter,
			boolean cacheNulls, String onBackendFailure, String onWaitTimeout, String refresh,
			double earlyRefreshBeta, String localTtl, long localMaxSize) {

		private static final List<ChronoUnit> PRINT_UNITS = List.of(ChronoUnit.DAYS, ChronoUnit.HOURS,
				ChronoUnit.MINUTES, ChronoUnit.SECONDS);

		static SettingsDescriptor of(CacheSettings settings) {
			return new SettingsDescriptor(print(settings.ttl()), print(settings.staleTtl()),
					print(settings.leaseTtl()), print(settings.maxWait()), print(settings.backoff().initial()),
					print(settings.backoff().max()), settings.backoff().multiplier(), settings.backoff().jitter(),
					settings.cacheNulls(), kebab(settings.onBackendFailure()), kebab(settings.onWaitTimeout()),
					kebab(settings.refresh()), settings.earlyRefreshBeta(), print(settings.localTtl()),
					settings.localMaxSize());
		}

		// In the largest unit that shows it exactly: 10m rather than 600000ms.
		private static String print(Duration duration) {
			if (duration.isZero()) {
				return "0s";
			}
			for (ChronoUnit unit : PRINT_UNITS) {
				if (duration.toMillis() % unit.getDuration().toMillis() == 0) {
					return DurationStyle.SIMPLE.print(duration, unit);
				}
			}
			return DurationStyle.SIMPLE.print(duration, ChronoUnit.MILLIS);
		}

		private static String kebab(Enum<?> value) {
			return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

}
