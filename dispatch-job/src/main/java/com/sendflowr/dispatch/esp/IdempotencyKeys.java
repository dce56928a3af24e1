package com.sendflowr.dispatch.esp;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.UUID;

/**
 * The key every ESP call carries so that a retry, a restart or an async re-trigger after restore is
 * recorded once by the ESP. Deterministic in decision and binding: switching a brand to another ESP
 * yields a new key, re-sending to the same binding never does.
 *
 * <p>The decision id already names the request and its version (the lineage), and the binding id
 * names where it goes; the payload is a function of both, so the key needs nothing else. Each ESP
 * gets it in the form it deduplicates on: Klaviyo's {@code unique_id} takes it as is, Customer.io's
 * event {@code id} must be a ULID ({@link #ulid}). Braze, Iterable and SendGrid have no key for
 * these calls; they carry it as a property so the brand's side can still tell repeats.
 */
public final class IdempotencyKeys {
  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private IdempotencyKeys() {}

  public static String of(String decisionId, String bindingId) {
    return "sf-"
        + UUID.nameUUIDFromBytes(
            ("dispatch|" + decisionId + "|" + bindingId).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A ULID (26 Crockford base-32 characters) made from the key: the 48-bit time part is {@code
   * time} in milliseconds, the 80-bit random part the first bytes of the key's SHA-256. The same
   * key and time always give the same ULID, which is what lets the ESP drop a repeat.
   */
  public static String ulid(String key, Instant time) {
    byte[] bytes = new byte[16];
    long millis = time.toEpochMilli();
    for (int i = 0; i < 6; i++) {
      bytes[i] = (byte) (millis >>> (8 * (5 - i)));
    }
    System.arraycopy(sha256(key), 0, bytes, 6, 10);
    BigInteger value = new BigInteger(1, bytes);
    char[] out = new char[26];
    for (int i = 25; i >= 0; i--) {
      out[i] = CROCKFORD[value.intValue() & 31];
      value = value.shiftRight(5);
    }
    return new String(out);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
