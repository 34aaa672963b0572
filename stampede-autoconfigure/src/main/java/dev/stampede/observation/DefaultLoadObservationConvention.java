package dev.stampede.observation;

import dev.stampede.observation.StampedeObservationDocumentation.HighCardinalityKeyNames;
import dev.stampede.observation.StampedeObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValues;

/**
 * The {@code stampede.load} observation as documented by
 * {@link StampedeObservationDocumentation#LOAD}: named {@code stampede load <cache>} in a
 * trace, its outcome added when it ends, so that its active timer has the cache alone.
 */
public class DefaultLoadObservationConvention implements LoadObservationConvention {

	/** The convention Stampede uses unless told otherwise. */
	public static final DefaultLoadObservationConvention INSTANCE = new DefaultLoadObservationConvention();

	@Override
	public String getName() {
		return "stampede.load";
	}

	@Override
	public String getContextualName(LoadObservationContext context) {
		return "stampede load " + context.getCache();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(LoadObservationContext context) {
		KeyValues values = KeyValues.of(LowCardinalityKeyNames.CACHE.withValue(context.getCache()));
		if (!context.isEnded()) {
			return values;
		}
		return values.and(LowCardinalityKeyNames.OUTCOME.withValue((context.getError() != null) ? "error" : "success"));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(LoadObservationContext context) {
		return KeyValues.of(HighCardinalityKeyNames.KEY.withValue(context.getKey()));
	}

}
