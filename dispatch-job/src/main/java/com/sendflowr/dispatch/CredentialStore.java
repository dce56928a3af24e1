package com.sendflowr.dispatch;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Resolves a binding's {@code credential_ref} to an ESP API key inside the dispatch job, so keys
 * never travel through Kafka, config state or logs.
 */
public interface CredentialStore extends Serializable {

  /**
   * @throws IllegalStateException naming the ref (never the key) when it is unknown
   */
  String apiKey(String credentialRef);

  /**
   * Keys from environment variables {@code SENDFLOWR_CREDENTIAL_<REF>} (ref upper-cased, other
   * characters as underscores), as Kubernetes Secrets are usually exposed.
   */
  static CredentialStore fromEnvironment() {
    return ref -> {
      String name = envName(ref);
      String key = System.getenv(name);
      if (key == null || key.isBlank()) {
        throw new IllegalStateException(
            "no credential for ref '" + ref + "': set environment variable " + name);
      }
      return key;
    };
  }

  /** Keys from a properties file {@code ref=key} (a mounted Secret), read on every lookup miss. */
  static CredentialStore fromFile(Path file) {
    // Path is not Serializable, and the store ships with the job graph: capture the name.
    String location = file.toString();
    return ref -> {
      Path path = Path.of(location);
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(path)) {
        p.load(r);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read credentials file " + path, e);
      }
      String key = p.getProperty(ref);
      if (key == null || key.isBlank()) {
        throw new IllegalStateException("no credential for ref '" + ref + "' in " + path);
      }
      return key;
    };
  }

  /** Fixed keys, for the local runner's sandbox and tests. */
  static CredentialStore of(Map<String, String> keys) {
    Map<String, String> copy = Map.copyOf(keys);
    return ref -> {
      String key = copy.get(ref);
      if (key == null) {
        throw new IllegalStateException("no credential for ref '" + ref + "'");
      }
      return key;
    };
  }

  static String envName(String ref) {
    return "SENDFLOWR_CREDENTIAL_" + ref.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }
}
