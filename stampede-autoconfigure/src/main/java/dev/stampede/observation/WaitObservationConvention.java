package dev.stampede.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names a {@code stampede.wait} observation and its key values. Define a bean of this
 * type, or a {@link io.micrometer.observation.GlobalObservationConvention} of it, to
 * change them; {@link DefaultWaitObservationConvention} is the default.
 */
public interface WaitObservationConvention extends ObservationConvention<WaitObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof WaitObservationContext;
	}

}
