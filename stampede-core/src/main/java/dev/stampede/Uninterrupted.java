package dev.stampede;

/**
 * Runs a backend write whatever the thread's interrupt flag says. A loader may
 * restore an interrupt it caught (the usual idiom) and still return a good value;
 * storing it, or releasing the lease, must not fail because of that flag, or the value
 * would be lost and the lease left to expire. The flag is set again afterwards.
 */
final class Uninterrupted {

	private Uninterrupted() {
	}

	static void run(Runnable write) {
		boolean interrupted = Thread.interrupted();
		try {
			write.run();
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
