package dev.stampede.codec;

import dev.stampede.StampedeSerializationException;
import org.jspecify.annotations.Nullable;

/**
 * Raised by a {@link ValueCodec} that refuses to decode stored bytes: they name a class
 * the caller's type does not reach and no allowed package holds, or they are deeper,
 * longer or larger than the codec reads. Nothing of the refused class was instantiated.
 * The engine treats the value as a miss.
 */
public class ValueRejectedException extends StampedeSerializationException {

	public ValueRejectedException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
