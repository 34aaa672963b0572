package dev.stampede.actuate;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.stampede.CacheSettings;
import dev.stampede.CacheStats;
import dev.stampede.CallSite;
import dev.stampede.Stampede;
import dev.stampede.StampedeInspection;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.convert.DurationStyle;

/**
 * The {@code stampede} endpoint: the backend, and every cache with the effective
 * settings of each of its call sites (and where each came from) and its counters; one cache with the leases this JVM holds and the keys being
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
		StampedeInspection inspection = this.stampede.inspection();
		Map<String, CacheDescriptor> caches = new TreeMap<>();
		for (String cache : inspection.cacheNames()) {
			caches.put(cache, describe(inspection, cache, false));
		}
		return new StampedeDescriptor(inspection.backend().name(), inspection.backend().toString(), caches);
	}

	@ReadOperation
	public @Nullable CacheDescriptor cache(@Selector String cache) {
		StampedeInspection inspection = this.stampede.inspection();
		return inspection.cacheNames().contains(cache) ? describe(inspection, cache, true) : null;
	}

	@DeleteOperation
	public void evict(@Selector String cache, @Selector String key) {
		this.stampede.evict(cache, key);
	}

	private static CacheDescriptor describe(StampedeInspection inspection, String cache, boolean detailed) {
		CacheStats stats = inspection.stats(cache);
		Map<String, CallSiteDescriptor> callSites = new TreeMap<>();
		for (CallSite site : inspection.callSites(cache)) {
			callSites.put(site.origin(), new CallSiteDescriptor(SettingsDescriptor.of(site.settings()), site.sources()));
		}
		return new CacheDescriptor(callSites, byName(stats.callSnapshot()), byName(stats.snapshot()),
				stats.leasesHeld(), detailed ? stats.heldLeaseKeys(LIST_LIMIT) : null,
				detailed ? inspection.inFlightKeys(cache, LIST_LIMIT) : null);
	}

	private static Map<String, Long> byName(Map<? extends Enum<?>, Long> counts) {
		Map<String, Long> named = new TreeMap<>();
		counts.forEach((counted, count) -> named.put(StampedeMetrics.tagValue(counted), count));
		return named;
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
	 * @param callSites each annotated method or programmatic caller of the cache, by origin
	 * @param calls calls by how they ended since start; they add up to the calls made
	 * @param events what happened along the calls since start; one call may count several
	 * @param leasesHeld leases and refresh leases this JVM holds now
	 * @param heldLeases keys of those leases (at most 100), in the single-cache view
	 * @param inFlight backend keys being resolved in this JVM now (at most 100), in the single-cache view
	 */
	public record CacheDescriptor(Map<String, CallSiteDescriptor> callSites, Map<String, Long> calls,
			Map<String, Long> events, int leasesHeld, @Nullable List<String> heldLeases,
			@Nullable List<String> inFlight) {
	}

	/**
	 * One call site's effective settings: the only ones that apply to its calls.
	 * @param settings the effective value of every setting
	 * @param from where each setting that is not a default came from ({@code call site}
	 * or {@code stampede.caches.<name>}); every other one is from {@code stampede.defaults}
	 */
	public record CallSiteDescriptor(SettingsDescriptor settings, Map<String, String> from) {
	}

	/**
	 * Effective settings, durations in Spring's simple form.
	 */
	public record SettingsDescriptor(String ttl, String staleTtl, String leaseTtl, String maxWait,
			String backoffInitial, String backoffMax, double backoffMultiplier, double backoffJitter,
			boolean cacheNulls, String onBackendFailure, String onWaitTimeout, String refresh,
			double earlyRefreshBeta, String localTtl, long localMaxSize, String failSafeTtl, String failSafeThrottle,
			String softTimeout, String hardTimeout) {

		private static final List<ChronoUnit> PRINT_UNITS = List.of(ChronoUnit.DAYS, ChronoUnit.HOURS,
				ChronoUnit.MINUTES, ChronoUnit.SECONDS);

		static SettingsDescriptor of(CacheSettings settings) {
			return new SettingsDescriptor(print(settings.ttl()), print(settings.staleTtl()),
					print(settings.leaseTtl()), print(settings.maxWait()), print(settings.backoff().initial()),
					print(settings.backoff().max()), settings.backoff().multiplier(), settings.backoff().jitter(),
					settings.cacheNulls(), kebab(settings.onBackendFailure()), kebab(settings.onWaitTimeout()),
					kebab(settings.refresh()), settings.earlyRefreshBeta(), print(settings.localTtl()),
					settings.localMaxSize(), print(settings.failSafeTtl()), print(settings.failSafeThrottle()),
					print(settings.softTimeout()), print(settings.hardTimeout()));
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
			return StampedeMetrics.tagValue(value);
		}

	}

}
