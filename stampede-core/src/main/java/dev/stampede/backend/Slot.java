package dev.stampede.backend;

import dev.stampede.Envelope;
import dev.stampede.LoadEstimate;
import dev.stampede.UnreadableReason;
import org.jspecify.annotations.Nullable;

/**
 * What a backend holds under one key at the moment it was read.
 */
public sealed interface Slot {

	/** Nothing is stored under the key. */
	Slot EMPTY = new Empty();

	/** Nothing is stored: the first caller to lease the key computes its value. */
	record Empty() implements Slot {
	}

	/**
	 * A caller holds the lease and is computing the value.
	 * @param token the holder's token
	 * @param estimate what the holder expects of its load, which paces the callers that wait for it
	 * @param holder the instance that holds the lease, as it names itself, for the callers
	 * that wait for it to say whose load they waited for; {@code null} when unknown
	 */
	record Leased(String token, LoadEstimate estimate, @Nullable String holder) implements Slot {

		/** A lease whose holder told nothing of its load, nor its name. */
		public Leased(String token) {
			this(token, LoadEstimate.UNKNOWN);
		}

		/** A lease whose holder did not name itself. */
		public Leased(String token, LoadEstimate estimate) {
			this(token, estimate, null);
		}

	}

	/**
	 * A value is stored.
	 * @param envelope the value and its metadata
	 * @param version the backend's version of the entry, used to replace it only if unchanged
	 */
	record Present(Envelope envelope, long version) implements Slot {
	}

	/**
	 * Bytes are stored that this engine cannot read, or will not: written by another
	 * program, by another codec or version, signed with another key, of a class the
	 * codec refuses, or corrupt. Treated as a miss.
	 * @param version the backend's version of the entry
	 * @param reason why it cannot be read
	 * @param detail what was found, for a log line: never the stored bytes themselves
	 */
	record Unreadable(long version, UnreadableReason reason, String detail) implements Slot {

		/** Bytes that are no record of this engine. */
		public Unreadable(long version) {
			this(version, UnreadableReason.FOREIGN, "bytes that are no Stampede record");
		}

	}

}
