package dev.stampede.observation;

import dev.stampede.Outcome;
import dev.stampede.Stampede;
import dev.stampede.StampedeObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * Observes a {@link Stampede} engine's loads and waits with Micrometer's
 * {@link ObservationRegistry}: {@code stampede.load} and {@code stampede.wait}, as
 * {@link StampedeObservationDocumentation} documents them. An observation starts on the
 * thread that loads or waits, within the observation current there (the request's, say);
 * those of an asynchronous call, which run on the engine's threads, within the one
 * current where the call was made. A load is current while the method runs, so its own
 * observations are its children. Nothing is observed when the registry is a no-op, and
 * calls answered by a cached value are never observed. Add it to an engine with
 * {@link Stampede#addObserver}.
 */
public class StampedeObservations implements StampedeObserver {

	private final ObservationRegistry registry;

	private @Nullable LoadObservationConvention loadConvention;

	private @Nullable WaitObservationConvention waitConvention;

	/** Observations in {@code registry}, named by the default conventions. */
	public StampedeObservations(ObservationRegistry registry) {
		this.registry = registry;
	}

	/** Names the load observations by {@code convention} rather than the default one. */
	public void setLoadConvention(@Nullable LoadObservationConvention convention) {
		this.loadConvention = convention;
	}

	/** Names the wait observations by {@code convention} rather than the default one. */
	public void setWaitConvention(@Nullable WaitObservationConvention convention) {
		this.waitConvention = convention;
	}

	@Override
	public Activity loadStarted(String cache, String key, @Nullable Object parent) {
		Observation observation = StampedeObservationDocumentation.LOAD.observation(this.loadConvention,
				DefaultLoadObservationConvention.INSTANCE, () -> new LoadObservationContext(cache, key), this.registry);
		return start(observation, parent);
	}

	@Override
	public Activity waitStarted(String cache, String key, @Nullable Object parent) {
		Observation observation = StampedeObservationDocumentation.WAIT.observation(this.waitConvention,
				DefaultWaitObservationConvention.INSTANCE, () -> new WaitObservationContext(cache, key), this.registry);
		return start(observation, parent);
	}

	@Override
	public @Nullable Object captureContext() {
		return this.registry.getCurrentObservation();
	}

	// A registry without handlers, or a predicate that turns these off, observes nothing and costs nothing more.
	private static Activity start(Observation observation, @Nullable Object parent) {
		if (observation.isNoop()) {
			return Activity.NONE;
		}
		if (parent instanceof Observation caller) {
			observation.parentObservation(caller);
		}
		return new Observed(observation.start(), (StampedeObservationContext) observation.getContext());
	}

	/** A started observation, as the engine tells it how its load or wait goes. */
	private record Observed(Observation observation, StampedeObservationContext context) implements Activity {

		@Override
		public Scope open() {
			return this.observation.openScope()::close;
		}

		@Override
		public void heldBy(String holder) {
			if (this.context instanceof WaitObservationContext wait) {
				wait.setHolder(holder);
			}
		}

		@Override
		public void outcome(Outcome outcome) {
			if (this.context instanceof WaitObservationContext wait) {
				wait.setOutcome(outcome);
			}
		}

		@Override
		public void error(Throwable error) {
			this.observation.error(error);
		}

		@Override
		public void stop() {
			this.context.end();
			this.observation.stop();
		}

	}

}
