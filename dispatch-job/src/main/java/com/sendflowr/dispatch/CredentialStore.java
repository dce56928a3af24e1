package com.sendflowr.dispatch;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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

  /**
   * Keys from a properties file {@code ref=key} (a mounted Secret). The file is parsed once and
   * again whenever its modification time changes, so a rotated Secret is picked up without a
   * restart and a dispatch costs one file-status call, not a parse.
   */
  static CredentialStore fromFile(Path file) {
    return new FileCredentialStore(file.toString());
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

  /** See {@link #fromFile}. */
  final class FileCredentialStore implements CredentialStore {
    // Path is not Serializable, and the store ships with the job graph: keep the name.
    private final String location;
    private transient volatile Loaded loaded;

    private record Loaded(FileTime modified, Properties keys) {}

    private FileCredentialStore(String location) {
      this.location = location;
    }

    @Override
    public String apiKey(String ref) {
      Path path = Path.of(location);
      String key = current(path).keys().getProperty(ref);
      if (key == null || key.isBlank()) {
        throw new IllegalStateException("no credential for ref '" + ref + "' in " + path);
      }
      return key;
    }

    private Loaded current(Path path) {
      try {
        FileTime modified = Files.getLastModifiedTime(path);
        Loaded l = loaded;
        if (l == null || !l.modified().equals(modified)) {
          Properties p = new Properties();
          try (Reader r = Files.newBufferedReader(path)) {
            p.load(r);
          }
          l = new Loaded(modified, p);
          loaded = l;
        }
        return l;
      } catch (IOException e) {
        throw new IllegalStateException("cannot read credentials file " + path, e);
      }
    }
  }

  static String envName(String ref) {
    return "SENDFLOWR_CREDENTIAL_" + ref.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }
}
