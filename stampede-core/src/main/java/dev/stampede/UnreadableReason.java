package dev.stampede;

import java.util.Locale;

/**
 * Why a call could not use what a shared backend held under its key. Every reason is
 * a miss: the caller loads the value and replaces what was there. Counted per cache
 * beside {@link Outcome#UNREADABLE}, so that an operator can tell a codec change
 * rolling out from bytes that someone planted.
 */
public enum UnreadableReason {

	/** Bytes that are no Stampede record: another program's, cut short, or of a newer record format. */
	FOREIGN,

	/**
	 * A value record of another codec, another version of the codec, or an older record
	 * format: expected while a change of {@code stampede.codec.format} rolls out.
	 */
	OTHER_FORMAT,

	/**
	 * A record whose signature is missing, wrong, or made under another signing key id:
	 * written by someone without this engine's key, or before a key change. Nothing of it
	 * was decoded.
	 */
	BAD_SIGNATURE,

	/**
	 * The codec refused to read the value: it names a class that the call site's type
	 * does not reach and no allowed package holds, or it is deeper, longer or larger than
	 * the codec's limits. Nothing of that class was instantiated.
	 */
	REJECTED,

	/** The codec could not decode the value: a class that changed incompatibly, or bytes that do not fit the type. */
	UNDECODABLE,

	/** A value of another type than the call site returns, stored under the same key by another call site. */
	OTHER_TYPE;

	/** The reason as a tag value or a property value: lower case, words joined by {@code -}. */
	public String tagValue() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
