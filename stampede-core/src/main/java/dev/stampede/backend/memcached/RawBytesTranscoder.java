package dev.stampede.backend.memcached;

import net.rubyeye.xmemcached.transcoders.CachedData;
import net.rubyeye.xmemcached.transcoders.CompressionMode;
import net.rubyeye.xmemcached.transcoders.Transcoder;

/**
 * Passes bytes through unchanged. xmemcached's default transcoder would apply Java
 * serialization and compression of its own; Stampede encodes values itself.
 */
final class RawBytesTranscoder implements Transcoder<byte[]> {

	static final RawBytesTranscoder INSTANCE = new RawBytesTranscoder();

	private static final int FLAGS = 0;

	@Override
	public CachedData encode(byte[] bytes) {
		return new CachedData(FLAGS, bytes);
	}

	@Override
	public byte[] decode(CachedData data) {
		return data.getData();
	}

	@Override
	public void setPrimitiveAsString(boolean primitiveAsString) {
	}

	@Override
	public void setPackZeros(boolean packZeros) {
	}

	@Override
	public void setCompressionThreshold(int threshold) {
	}

	@Override
	public boolean isPrimitiveAsString() {
		return false;
	}

	@Override
	public boolean isPackZeros() {
		return false;
	}

	@Override
	public void setCompressionMode(CompressionMode mode) {
	}

}
