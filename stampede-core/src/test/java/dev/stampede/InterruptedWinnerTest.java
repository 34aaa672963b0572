package dev.stampede;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import dev.stampede.backend.local.LocalBackend;
import org.junit.jupiter.api.RepeatedTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Interrupting the thread of the caller that won a key's lease, while its loader runs,
 * stops that caller only: the callers that joined its flight go on and get a value.
 */
class InterruptedWinnerTest {

	@RepeatedTest(3)
	void interruptingTheWinnerWhileItLoadsStopsOnlyTheWinner() throws Exception {
		try (Stampede engine = new Stampede(new LocalBackend(100), StampedeSettings.standard(), "",
				Clock.systemUTC())) {
			CountDownLatch loading = new CountDownLatch(1);
			FutureTask<Object> winner = new FutureTask<>(() -> engine.get("c", "key", () -> {
				loading.countDown();
				// A loader that blocks interruptibly, as JDBC, HTTP clients and Thread.sleep do.
				Thread.sleep(60_000);
				return "never";
			}));
			Thread winnerThread = new Thread(winner, "winner");
			winnerThread.start();
			assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
			List<FutureTask<Object>> joined = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				FutureTask<Object> caller = new FutureTask<>(() -> engine.get("c", "key", () -> "value"));
				new Thread(caller, "joined-" + i).start();
				joined.add(caller);
			}
			await().atMost(10, TimeUnit.SECONDS).until(() -> engine.inspection().stats("c").count(CacheEvent.JOINED) == 3);
			winnerThread.interrupt();
			for (FutureTask<Object> caller : joined) {
				Object outcome;
				try {
					outcome = caller.get(10, TimeUnit.SECONDS);
				}
				catch (ExecutionException ex) {
					outcome = ex.getCause();
				}
				// Nobody interrupted these callers: they get the value, not the winner's interrupt.
				assertThat(outcome).isEqualTo("value");
			}
			assertThat(engine.inspection().inFlightCount()).isZero();
			assertThat(engine.inspection().stats("c").leasesHeld()).isZero();
		}
	}

}
