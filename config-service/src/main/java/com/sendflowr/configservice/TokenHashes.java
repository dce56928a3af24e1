package com.sendflowr.configservice;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API tokens: 256 random bits, shown once; only their SHA-256 is stored. A plain hash suffices (no
 * slow password hash) because the token is random, not a human-chosen password.
 */
final class TokenHashes {
  static final String PREFIX = "sfc_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenHashes() {}

  static String newToken() {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  static String newId() {
    byte[] raw = new byte[9];
    RANDOM.nextBytes(raw);
    return "tok_" + HexFormat.of().formatHex(raw);
  }

  static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
