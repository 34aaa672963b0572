package dev.stampede;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.stampede.backend.Slot;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WaitScheduleTest {

	private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(5), Duration.ofMillis(200), 2.0, 0);

	private static final long NOW_MILLIS = 1_700_000_000_000L;

	@Test
	void withoutAnEstimateItBacksOff() {
		WaitSchedule schedule = schedule();
		schedule.sawLease(new Slot.Leased("holder"), 0, NOW_MILLIS);
		assertThat(pausesMillis(schedule, 0, 7)).containsExactly(5L, 10L, 20L, 40L, 80L, 160L, 200L);
	}

	@Test
	void itReadsRarelyUntilShortlyBeforeTheExpectedEndThenEveryFewMilliseconds() {
		WaitSchedule schedule = schedule();
		schedule.sawLease(lease("holder", 1_000, NOW_MILLIS), 0, NOW_MILLIS);
		List<Long> reads = readTimesMillis(schedule, 0, 1_020);
		assertThat(reads).startsWith(200L, 400L, 600L, 800L, 980L);
		assertThat(reads.subList(4, reads.size())).containsExactly(980L, 985L, 990L, 995L, 1000L, 1005L, 1010L,
				1015L, 1020L);
	}

	@Test
	void aShortLoadIsReadEveryTwoMillisecondsFromJustBeforeItsEnd() {
		WaitSchedule schedule = schedule();
		schedule.sawLease(lease("holder", 20, NOW_MILLIS), 0, NOW_MILLIS);
		assertThat(readTimesMillis(schedule, 0, 28)).containsExactly(18L, 20L, 22L, 24L, 26L, 28L);
	}

	@Test
	void onceTheWindowAfterTheExpectedEndPassedItBacksOffFromTheStart() {
		WaitSchedule schedule = schedule();
		schedule.sawLease(lease("holder", 20, NOW_MILLIS), 0, NOW_MILLIS);
		List<Long> reads = readTimesMillis(schedule, 0, 200);
		assertThat(reads).containsSubsequence(38L, 40L, 45L, 55L, 75L, 115L, 195L);
	}

	@Test
	void theLeasesAgeByTheHoldersClockBringsTheExpectedEndCloser() {
		WaitSchedule schedule = schedule();
		schedule.sawLease(lease("holder", 1_000, NOW_MILLIS - 700), 0, NOW_MILLIS);
		assertThat(readTimesMillis(schedule, 0, 300)).startsWith(200L, 280L, 285L);
	}

	@Test
	void aHolderWhoseClockIsAheadDelaysNoReadPastTheLoadTimeFromFirstSight() {
		WaitSchedule schedule = schedule();
		schedule.sawLease(lease("holder", 1_000, NOW_MILLIS + 60_000), 0, NOW_MILLIS);
		assertThat(readTimesMillis(schedule, 0, 1_000)).contains(980L, 1000L);
	}

	@Test
	void aLeaseSeenAfterItsExpectedEndIsBackedOffFrom() {
		WaitSchedule schedule = schedule();
		schedule.sawLease(lease("holder", 100, NOW_MILLIS - 5_000), 0, NOW_MILLIS);
		assertThat(pausesMillis(schedule, 0, 4)).containsExactly(5L, 10L, 20L, 40L);
	}

	@Test
	void theSameLeaseReadAgainKeepsTheSchedule() {
		WaitSchedule schedule = schedule();
		schedule.sawLease(lease("holder", 1_000, NOW_MILLIS), 0, NOW_MILLIS);
		long later = TimeUnit.MILLISECONDS.toNanos(900);
		schedule.sawLease(lease("holder", 1_000, NOW_MILLIS), later, NOW_MILLIS + 900);
		assertThat(TimeUnit.NANOSECONDS.toMillis(schedule.nextPause(later))).isEqualTo(80);
	}

	@Test
	void aLeaseTakenAgainSetsTheScheduleAnewFromWhatItCarries() {
		WaitSchedule schedule = schedule();
		schedule.sawLease(lease("died", 100, NOW_MILLIS), 0, NOW_MILLIS);
		readTimesMillis(schedule, 0, 3_000);
		long later = TimeUnit.SECONDS.toNanos(3);
		schedule.sawLease(lease("next", 500, NOW_MILLIS + 3_000), later, NOW_MILLIS + 3_000);
		assertThat(readTimesMillis(schedule, later, 3_600)).startsWith(3_200L, 3_400L, 3_480L, 3_485L);
	}

	@Test
	void aLeaseTakenAgainByAnEngineThatTellsNothingIsBackedOffFrom() {
		WaitSchedule schedule = schedule();
		schedule.sawLease(lease("died", 1_000, NOW_MILLIS), 0, NOW_MILLIS);
		long later = TimeUnit.MILLISECONDS.toNanos(100);
		schedule.sawLease(new Slot.Leased("older engine"), later, NOW_MILLIS + 100);
		assertThat(pausesMillis(schedule, later, 3)).containsExactly(5L, 10L, 20L);
	}

	// A retaken lease restarts the schedule from what it carries; one that carries nothing is
	// backed off from anew, as it is while the dead holder's estimate still ran. Once the waiter
	// had fallen back to backing off, though, the new holder's lease went on at backoff.max.
	@Test
	void aLeaseTakenAgainByAnEngineThatTellsNothingAfterTheWindowPassedIsBackedOffFromAnew() {
		WaitSchedule schedule = schedule();
		schedule.sawLease(lease("died", 20, NOW_MILLIS), 0, NOW_MILLIS);
		readTimesMillis(schedule, 0, 3_000);
		long later = TimeUnit.SECONDS.toNanos(3);
		schedule.sawLease(new Slot.Leased("older engine"), later, NOW_MILLIS + 3_000);
		assertThat(pausesMillis(schedule, later, 3)).containsExactly(5L, 10L, 20L);
	}

	@Test
	void noPauseIsLongerThanTheBackoffsMaximumAndNoLoadIsExpectedPastTheLeaseTtl() {
		WaitSchedule schedule = schedule();
		schedule.sawLease(lease("holder", 600_000, NOW_MILLIS), 0, NOW_MILLIS);
		List<Long> reads = readTimesMillis(schedule, 0, 12_000);
		for (int i = 1; i < reads.size(); i++) {
			assertThat(reads.get(i) - reads.get(i - 1)).isBetween(1L, 200L);
		}
		assertThat(reads).contains(9_980L, 9_985L, 10_000L);
	}

	// A start time more than 292 years back made the time left to the expected end saturate at
	// Long.MIN_VALUE nanoseconds, and the end wrapped around: the schedule took the end as ever
	// ahead and read only every backoff.max, never backing off from backoff.initial as it does for
	// any lease seen after its expected end; a start before the clock could count back read as new.
	@Test
	void aLeaseThatClaimsToHaveBegunAgesAgoIsBackedOffFromLikeAnyLateLease() {
		for (long startedAt : new long[] { Long.MIN_VALUE / 2, -5_000_000_000_000_000L, Long.MIN_VALUE + 1,
				Long.MIN_VALUE }) {
			for (long nowNanos : new long[] { 0, TimeUnit.DAYS.toNanos(3), -TimeUnit.DAYS.toNanos(3) }) {
				WaitSchedule schedule = schedule();
				schedule.sawLease(lease("holder", 100, startedAt), nowNanos, NOW_MILLIS);
				assertThat(pausesMillis(schedule, nowNanos, 4)).as("started at %d, seen at %d ns", startedAt, nowNanos)
					.containsExactly(5L, 10L, 20L, 40L);
			}
		}
	}

	// A holder that died (or a load that overran its estimate) leaves its waiters waiting until
	// max-wait runs out. Over that long wait the estimate must cost no reads beyond what plain
	// backing off makes; yet after its fine reads the schedule starts backing off again from
	// backoff.initial, where plain backoff has long reached backoff.max.
	@Test
	void aLongWaitForADeadHolderMakesAtMostTwiceTheReadsOfBackingOff() {
		long maxWaitMillis = 5_000;
		WaitSchedule plain = schedule();
		plain.sawLease(new Slot.Leased("dead"), 0, NOW_MILLIS);
		int plainReads = readTimesMillis(plain, 0, maxWaitMillis).size();
		SoftAssertions softly = new SoftAssertions();
		for (long expected : new long[] { 0, 20, 100, 1_500, 4_000 }) {
			WaitSchedule informed = schedule();
			informed.sawLease(lease("dead", expected, NOW_MILLIS), 0, NOW_MILLIS);
			softly.assertThat(readTimesMillis(informed, 0, maxWaitMillis).size())
				.as("reads in %d ms for a dead holder that expected %d ms, where backing off makes %d",
						maxWaitMillis, expected, plainReads)
				.isLessThanOrEqualTo(2 * plainReads);
		}
		softly.assertAll();
	}

	private static WaitSchedule schedule() {
		return new WaitSchedule(BACKOFF, Duration.ofSeconds(10));
	}

	private static Slot.Leased lease(String token, long expectedMillis, long startedAtMillis) {
		return new Slot.Leased(token, new LoadEstimate(expectedMillis, startedAtMillis));
	}

	private static List<Long> pausesMillis(WaitSchedule schedule, long fromNanos, int count) {
		List<Long> pauses = new ArrayList<>();
		long now = fromNanos;
		for (int i = 0; i < count; i++) {
			long pause = schedule.nextPause(now);
			pauses.add(TimeUnit.NANOSECONDS.toMillis(pause));
			now += pause;
		}
		return pauses;
	}

	// The times of the reads a waiter that is never answered makes, as it follows the schedule.
	private static List<Long> readTimesMillis(WaitSchedule schedule, long fromNanos, long untilMillis) {
		List<Long> reads = new ArrayList<>();
		long now = fromNanos;
		while (TimeUnit.NANOSECONDS.toMillis(now) < untilMillis) {
			now += schedule.nextPause(now);
			reads.add(TimeUnit.NANOSECONDS.toMillis(now));
		}
		return reads;
	}

}
