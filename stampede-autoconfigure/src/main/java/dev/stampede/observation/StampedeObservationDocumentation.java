package dev.stampede.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * Stampede's observations. Observed only on a miss: a call answered by a cached value
 * starts none. With Spring Boot's meter handler each also makes a timer of its name,
 * tagged by its low-cardinality key values and {@code error}, and a long task timer
 * {@code <name>.active} tagged by {@code cache}.
 */
public enum StampedeObservationDocumentation implements ObservationDocumentation {

	/**
	 * {@code stampede.load}: the protected method runs to load a value, as the winner of
	 * the key's lease, as a refresh, or called through after a backend failure or a
	 * wait that ran out. The method's own observations, a query's say, are its children.
	 */
	LOAD {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultLoadObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { LowCardinalityKeyNames.CACHE, LowCardinalityKeyNames.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HighCardinalityKeyNames.KEY };
		}

	},

	/**
	 * {@code stampede.wait}: a caller that lost the key's lease to another caller, in
	 * this JVM's engine or another's, waits for that caller's value. It names the
	 * instance that held the lease.
	 */
	WAIT {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultWaitObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { LowCardinalityKeyNames.CACHE, LowCardinalityKeyNames.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HighCardinalityKeyNames.KEY, HighCardinalityKeyNames.HOLDER };
		}

	};

	/** Key values of few values: tags of the timers too. */
	public enum LowCardinalityKeyNames implements KeyName {

		/** The cache. */
		CACHE {
			@Override
			public String asString() {
				return "cache";
			}
		},

		/**
		 * How it ended, once it has: a load {@code success} or {@code error}; a wait as
		 * the call went on, in the values of {@code stampede.calls}: {@code waited} (the
		 * holder's value), {@code loaded} (the lease was taken over), {@code call-through}
		 * or {@code error}.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		}

	}

	/** Key values of many values: trace attributes only, never tags of a meter. */
	public enum HighCardinalityKeyNames implements KeyName {

		/** The key, in the string form Stampede stores it under. */
		KEY {
			@Override
			public String asString() {
				return "key";
			}
		},

		/**
		 * The instance that held the lease a wait waited for, as its
		 * {@code stampede.instance-id} names it; {@code unknown} when the lease named none.
		 */
		HOLDER {
			@Override
			public String asString() {
				return "holder";
			}
		}

	}

}
