package dev.stampede.benchmarks.harness;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The phases the harness can run for each variant, in the order it runs them;
 * {@code harness.phases} names some of them.
 */
public enum PhaseKind {

	/** Every caller of every JVM reads one cold key at the same instant, once per round. */
	COLD,

	/** Random reads of keys that stay cached: the hit path under the same load. */
	HIT,

	/** Random reads of a few keys whose short TTL keeps expiring. */
	HOT,

	/** The hot phase, with the cache server frozen (SIGSTOP) for a while and then resumed. */
	PAUSE,

	/** The hot phase, with the cache server killed (SIGKILL) for a while and then started again, empty. */
	KILL;

	/** Whether the phase takes the cache server away. */
	public boolean isFault() {
		return this == PAUSE || this == KILL;
	}

	/**
	 * The phases named in {@code names}, comma-separated and in any case; every phase
	 * when {@code names} is blank.
	 * @throws IllegalArgumentException naming what is not a phase
	 */
	public static Set<PhaseKind> parse(String names) {
		if (names.isBlank()) {
			return EnumSet.allOf(PhaseKind.class);
		}
		Set<PhaseKind> phases = EnumSet.noneOf(PhaseKind.class);
		for (String name : names.split(",")) {
			try {
				phases.add(valueOf(name.trim().toUpperCase(Locale.ROOT)));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("Unknown phase '" + name.trim() + "' in harness.phases; expected some "
						+ "of " + Arrays.toString(values()).toLowerCase(Locale.ROOT) + ", comma-separated", ex);
			}
		}
		return phases;
	}

}
