package dev.stampede;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observers of one engine, told in the order they were added: meters and
 * observations, say, each from a library of its own. A load or a wait that only one of
 * them follows costs no more than that one.
 */
final class Observers implements StampedeObserver {

	private static final Logger logger = LoggerFactory.getLogger(Stampede.class);

	private final StampedeObserver[] observers;

	private Observers(StampedeObserver[] observers) {
		this.observers = observers;
	}

	/** {@code current} and {@code added}; {@code current} alone if it has {@code added} already. */
	static StampedeObserver with(StampedeObserver current, StampedeObserver added) {
		List<StampedeObserver> all = new ArrayList<>(
				(current instanceof Observers many) ? List.of(many.observers) : List.of(current));
		all.remove(StampedeObserver.NONE);
		if (all.contains(added)) {
			return current;
		}
		all.add(added);
		return (all.size() == 1) ? added : new Observers(all.toArray(StampedeObserver[]::new));
	}

	@Override
	public void cacheAdded(String cache, CacheStats stats) {
		for (StampedeObserver observer : this.observers) {
			observer.cacheAdded(cache, stats);
		}
	}

	@Override
	public Activity loadStarted(String cache, String key, @Nullable Object parent) {
		List<Activity> activities = new ArrayList<>(this.observers.length);
		for (int i = 0; i < this.observers.length; i++) {
			StampedeObserver observer = this.observers[i];
			Object parentOfIt = parentOf(parent, i);
			activities.add(started(() -> observer.loadStarted(cache, key, parentOfIt)));
		}
		return Together.of(activities);
	}

	@Override
	public Activity waitStarted(String cache, String key, @Nullable Object parent) {
		List<Activity> activities = new ArrayList<>(this.observers.length);
		for (int i = 0; i < this.observers.length; i++) {
			StampedeObserver observer = this.observers[i];
			Object parentOfIt = parentOf(parent, i);
			activities.add(started(() -> observer.waitStarted(cache, key, parentOfIt)));
		}
		return Together.of(activities);
	}

	@Override
	public Object captureContext() {
		@Nullable Object[] contexts = new Object[this.observers.length];
		for (int i = 0; i < this.observers.length; i++) {
			contexts[i] = this.observers[i].captureContext();
		}
		return contexts;
	}

	@Override
	public void backendFailed(String backend, StampedeBackendException error) {
		for (StampedeObserver observer : this.observers) {
			observer.backendFailed(backend, error);
		}
	}

	private static Activity started(Supplier<Activity> start) {
		try {
			return start.get();
		}
		catch (RuntimeException ex) {
			logger.warn("A StampedeObserver failed; the call goes on", ex);
			return Activity.NONE;
		}
	}

	private static @Nullable Object parentOf(@Nullable Object parent, int observer) {
		return (parent instanceof Object[] contexts) ? contexts[observer] : null;
	}

	/** The activities of several observers, told as one. */
	private record Together(Activity[] activities) implements Activity {

		static Activity of(List<Activity> activities) {
			activities.removeIf((activity) -> activity == Activity.NONE);
			return switch (activities.size()) {
				case 0 -> Activity.NONE;
				case 1 -> activities.get(0);
				default -> new Together(activities.toArray(Activity[]::new));
			};
		}

		@Override
		public Scope open() {
			Scope[] scopes = new Scope[this.activities.length];
			Arrays.fill(scopes, Scope.NONE);
			for (int i = 0; i < scopes.length; i++) {
				Activity activity = this.activities[i];
				int at = i;
				each(() -> scopes[at] = activity.open());
			}
			return () -> {
				for (int i = scopes.length - 1; i >= 0; i--) {
					each(scopes[i]::close);
				}
			};
		}

		@Override
		public void heldBy(String holder) {
			for (Activity activity : this.activities) {
				each(() -> activity.heldBy(holder));
			}
		}

		@Override
		public void outcome(Outcome outcome) {
			for (Activity activity : this.activities) {
				each(() -> activity.outcome(outcome));
			}
		}

		@Override
		public void error(Throwable error) {
			for (Activity activity : this.activities) {
				each(() -> activity.error(error));
			}
		}

		@Override
		public void stop() {
			for (Activity activity : this.activities) {
				each(activity::stop);
			}
		}

		// One observer that fails leaves the others' activities to go on and end.
		private static void each(Runnable notification) {
			try {
				notification.run();
			}
			catch (RuntimeException ex) {
				logger.warn("A StampedeObserver failed; the call goes on", ex);
			}
		}

	}

}
