package dev.stampede.observation;

import java.util.Locale;

import dev.stampede.Outcome;
import dev.stampede.observation.StampedeObservationDocumentation.HighCardinalityKeyNames;
import dev.stampede.observation.StampedeObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValues;

/**
 * The {@code stampede.wait} observation as documented by
 * {@link StampedeObservationDocumentation#WAIT}: named {@code stampede wait <cache>} in a
 * trace, its outcome added when it ends, so that its active timer has the cache alone.
 */
public class DefaultWaitObservationConvention implements WaitObservationConvention {

	/** The convention Stampede uses unless told otherwise. */
	public static final DefaultWaitObservationConvention INSTANCE = new DefaultWaitObservationConvention();

	private static final String UNKNOWN = "unknown";

	@Override
	public String getName() {
		return "stampede.wait";
	}

	@Override
	public String getContextualName(WaitObservationContext context) {
		return "stampede wait " + context.getCache();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(WaitObservationContext context) {
		KeyValues values = KeyValues.of(LowCardinalityKeyNames.CACHE.withValue(context.getCache()));
		Outcome outcome = context.getOutcome();
		return (outcome != null) ? values.and(LowCardinalityKeyNames.OUTCOME.withValue(tagValue(outcome))) : values;
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(WaitObservationContext context) {
		String holder = context.getHolder();
		return KeyValues.of(HighCardinalityKeyNames.KEY.withValue(context.getKey()),
				HighCardinalityKeyNames.HOLDER.withValue((holder != null) ? holder : UNKNOWN));
	}

	// As stampede.calls writes it: call-through.
	private static String tagValue(Outcome outcome) {
		return outcome.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
