package dev.stampede.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A key that signs every value record with HMAC-SHA256 (the JDK's {@link Mac}), and the
 * id written beside each signature, so that a value signed under another id is told
 * apart and read as a miss. Its {@link #toString()} shows the id only: the key is
 * never logged.
 */
public final class SigningKey {

	/** Fewest bytes a key may have: as many as the hash, as RFC 2104 recommends. */
	public static final int MIN_KEY_BYTES = 32;

	private static final String ALGORITHM = "HmacSHA256";

	private final String id;

	private final byte[] idBytes;

	private final Mac prototype;

	/**
	 * Creates a signing key.
	 * @param id names the key in every record it signs: 1 to 255 bytes of UTF-8
	 * @param key the secret, at least {@link #MIN_KEY_BYTES} bytes
	 * @throws IllegalArgumentException if the id or the key is out of bounds; the message
	 * never holds the key
	 */
	public SigningKey(String id, byte[] key) {
		byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
		if (idBytes.length < 1 || idBytes.length > 255) {
			throw new IllegalArgumentException("A signing key id takes 1 to 255 bytes, not " + idBytes.length);
		}
		if (key.length < MIN_KEY_BYTES) {
			throw new IllegalArgumentException("A signing key takes at least " + MIN_KEY_BYTES + " bytes, not "
					+ key.length + "; make one with openssl rand -base64 48");
		}
		this.id = id;
		this.idBytes = idBytes;
		try {
			this.prototype = Mac.getInstance(ALGORITHM);
			this.prototype.init(new SecretKeySpec(key, ALGORITHM));
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			throw new IllegalStateException("This JVM cannot compute " + ALGORITHM, ex);
		}
		// Copied once now, so that a provider whose MAC cannot be copied fails at start-up, not on a call.
		mac();
	}

	/** A key whose secret is the UTF-8 bytes of {@code key}, such as a configuration property. */
	public static SigningKey of(String id, String key) {
		return new SigningKey(id, key.getBytes(StandardCharsets.UTF_8));
	}

	/** The key's id. */
	public String id() {
		return this.id;
	}

	byte[] idBytes() {
		return this.idBytes;
	}

	/**
	 * The HMAC of {@code length} bytes of {@code record} stored under {@code key}: the
	 * key's length and bytes come first, so a signed value moved to another key does
	 * not check out there.
	 */
	byte[] sign(String key, byte[] record, int length) {
		byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
		Mac mac = mac();
		mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(keyBytes.length).array());
		mac.update(keyBytes);
		mac.update(record, 0, length);
		return mac.doFinal();
	}

	/** A MAC ready to sign: a copy of the initialised one, since a {@link Mac} serves one thread at a time. */
	private Mac mac() {
		try {
			return (Mac) this.prototype.clone();
		}
		catch (CloneNotSupportedException ex) {
			throw new IllegalStateException(ALGORITHM + " of this JVM's provider cannot be copied", ex);
		}
	}

	@Override
	public String toString() {
		return "SigningKey[id=" + this.id + "]";
	}

}
