package com.sendflowr.configservice;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts ESP credentials at rest with AES-256-GCM. Each value gets a fresh 96-bit nonce, and the
 * account id is the associated data, so a ciphertext copied onto another account's row does not
 * decrypt. Stored form: {@code v1:} + base64(nonce || ciphertext || tag).
 */
public final class CredentialCipher {
  /** Environment variable holding the base64 of a 32-byte key. */
  public static final String KEY_VARIABLE = "SENDFLOWR_CONFIG_ENCRYPTION_KEY";

  private static final String PREFIX = "v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  private CredentialCipher(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException(
          "the credential encryption key must be 32 bytes (base64 of 32 random bytes)");
    }
    this.key = new SecretKeySpec(key, "AES");
  }

  public static CredentialCipher ofBase64(String base64Key) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(base64Key.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the credential encryption key is not valid base64");
    }
    try {
      return new CredentialCipher(raw);
    } finally {
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** Reads the key from a mounted file (e.g. a Kubernetes Secret) holding its base64. */
  public static CredentialCipher fromFile(Path file) throws IOException {
    return ofBase64(Files.readString(file, StandardCharsets.US_ASCII));
  }

  /**
   * For the local default only: the key file in the data directory, created with a random key
   * (owner-only permissions) on first use.
   */
  public static CredentialCipher localKey(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] raw = new byte[32];
      RANDOM.nextBytes(raw);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.createFile(file);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the file keeps the directory's permissions
      }
      Files.writeString(file, Base64.getEncoder().encodeToString(raw), StandardCharsets.US_ASCII);
    }
    return fromFile(file);
  }

  public String encrypt(String accountId, String plaintext) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(accountId));
      byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[nonce.length + ct.length];
      System.arraycopy(nonce, 0, out, 0, nonce.length);
      System.arraycopy(ct, 0, out, nonce.length, ct.length);
      return PREFIX + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /**
   * @throws IllegalStateException naming the account (never the value) when the stored value does
   *     not decrypt with this key
   */
  public String decrypt(String accountId, String stored) {
    try {
      if (!stored.startsWith(PREFIX)) {
        throw new GeneralSecurityException("unknown format");
      }
      byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
      c.updateAAD(aad(accountId));
      return new String(
          c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "the credential of ESP account '"
              + accountId
              + "' does not decrypt with the configured key (wrong key or altered row)");
    }
  }

  private static byte[] aad(String accountId) {
    return ("esp_account:" + accountId).getBytes(StandardCharsets.UTF_8);
  }
}
