package dev.stampede.codec;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import org.jspecify.annotations.Nullable;

/**
 * Deflating the payload of a value record, and inflating it back no further than the
 * length the record declares, so that bytes anyone may have written cannot make a
 * reader allocate more than that.
 */
final class Compression {

	private Compression() {
	}

	/** Deflates {@code bytes} at the fastest level; returns them as they are when deflating makes them no shorter. */
	static byte[] deflate(byte[] bytes) {
		Deflater deflater = new Deflater(Deflater.BEST_SPEED);
		try {
			deflater.setInput(bytes);
			deflater.finish();
			byte[] buffer = new byte[bytes.length];
			int length = 0;
			while (!deflater.finished()) {
				if (length == buffer.length) {
					// Deflating made it no shorter: the caller keeps it as it is.
					return bytes;
				}
				length += deflater.deflate(buffer, length, buffer.length - length);
			}
			return Arrays.copyOf(buffer, length);
		}
		finally {
			deflater.end();
		}
	}

	/** Inflates exactly {@code inflatedLength} bytes, or returns {@code null} for bytes that do not. */
	static byte @Nullable [] inflate(byte[] bytes, int offset, int length, int inflatedLength) {
		Inflater inflater = new Inflater();
		try {
			inflater.setInput(bytes, offset, length);
			byte[] inflated = new byte[inflatedLength];
			int filled = 0;
			while (filled < inflatedLength) {
				int count = inflater.inflate(inflated, filled, inflatedLength - filled);
				if (count == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
					return null;
				}
				filled += count;
			}
			// Exactly as long as it says: more output, or bytes after the stream, is no record written here.
			return (inflater.inflate(new byte[1]) == 0 && inflater.finished() && inflater.getRemaining() == 0)
					? inflated : null;
		}
		catch (DataFormatException ex) {
			return null;
		}
		finally {
			inflater.end();
		}
	}

}
