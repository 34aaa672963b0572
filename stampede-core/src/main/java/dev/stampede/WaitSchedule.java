package dev.stampede;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.stampede.backend.Slot;
import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOffExecution;

/**
 * When one caller that waits for another's lease reads the key again. A lease that
 * tells how long its load is expected to take ({@link LoadEstimate}) lets the caller
 * read rarely until shortly before the expected end, then every few milliseconds for
 * a short window around it: on a backend that cannot wake waiters, it returns soon
 * after the value is written without reading more often than backing off would.
 * Without an estimate, and once the window has passed without the value, it backs
 * off ({@link Backoff}). No pause is longer than {@code backoff.max}, so a load that
 * ends far earlier than expected costs no more delay than backing off; the caller's
 * {@code max-wait} bounds the whole wait.
 * <p>
 * The expected end is measured on this JVM's monotonic clock from when the caller
 * first saw the lease. The holder's start, on its own clock, only says how old the
 * lease was by then: a lease that seems to start in the future counts as new, so a
 * clock ahead of this one delays no read past the load's duration from first sight,
 * and a clock behind it ends the window early, where backing off takes over.
 */
final class WaitSchedule {

	private static final long MIN_LEAD_MILLIS = 2;

	private static final long MAX_LEAD_MILLIS = 20;

	private static final long MIN_FINE_MILLIS = 2;

	private static final long MAX_FINE_MILLIS = 5;

	// Fine reads that follow the expected end before backing off: enough for a load or a
	// write that runs a little late, few enough to cost little when the holder died.
	private static final int FINE_READS_AFTER_END = 10;

	private static final long MAX_OVERDUE_MILLIS = TimeUnit.DAYS.toMillis(1);

	private final Backoff backoff;

	private final long leaseTtlMillis;

	private @Nullable String token;

	private boolean informed;

	private long fineFrom;

	private long fineUntil;

	private long finePause;

	private @Nullable BackOffExecution pauses;

	WaitSchedule(Backoff backoff, Duration leaseTtl) {
		this.backoff = backoff;
		this.leaseTtlMillis = leaseTtl.toMillis();
	}

	/**
	 * The caller read {@code lease} at {@code nowNanos} (monotonic) and {@code nowMillis}
	 * (its clock). A lease it had not seen before, the same key leased again after the
	 * last holder died or gave up, sets the schedule anew from what it carries.
	 */
	void sawLease(Slot.Leased lease, long nowNanos, long nowMillis) {
		if (lease.token().equals(this.token)) {
			return;
		}
		this.token = lease.token();
		LoadEstimate estimate = lease.estimate();
		if (!estimate.isKnown()) {
			// A new holder that tells nothing: backed off from anew, whatever the last one told.
			this.informed = false;
			this.pauses = null;
			return;
		}
		// The lease ends by itself after lease-ttl: no load is waited for longer.
		long expected = Math.min(estimate.expectedMillis(), this.leaseTtlMillis);
		// Any start, however far back, is an age: a difference that overflows is the longest one.
		long started = estimate.startedAtMillis();
		long age = (started >= nowMillis) ? 0 : nowMillis - started;
		if (age < 0) {
			age = Long.MAX_VALUE;
		}
		// An end that passed long ago is one that passed a day ago: no later arithmetic overflows.
		long untilEnd = Math.max(expected - age, -MAX_OVERDUE_MILLIS);
		long end = nowNanos + TimeUnit.MILLISECONDS.toNanos(untilEnd);
		long lead = Math.max(MIN_LEAD_MILLIS, Math.min(expected / 20, MAX_LEAD_MILLIS));
		long fine = Math.max(MIN_FINE_MILLIS, Math.min(expected / 50, MAX_FINE_MILLIS));
		this.fineFrom = end - TimeUnit.MILLISECONDS.toNanos(lead);
		this.fineUntil = end + TimeUnit.MILLISECONDS.toNanos(Math.max(lead, FINE_READS_AFTER_END * fine));
		this.finePause = TimeUnit.MILLISECONDS.toNanos(fine);
		this.informed = true;
		this.pauses = null;
	}

	/** The pause before the next read, in nanoseconds, for a caller about to sleep at {@code nowNanos}. */
	long nextPause(long nowNanos) {
		if (this.informed) {
			if (nowNanos - this.fineFrom < 0) {
				return Math.min(this.fineFrom - nowNanos, this.backoff.max().toNanos());
			}
			if (nowNanos - this.fineUntil < 0) {
				return this.finePause;
			}
			this.informed = false;
		}
		if (this.pauses == null) {
			this.pauses = this.backoff.start();
		}
		return TimeUnit.MILLISECONDS.toNanos(this.pauses.nextBackOff());
	}

}
