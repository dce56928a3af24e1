package com.sendflowr.configservice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

/**
 * The decrypted credentials as the dispatch job's {@code --credentials-file} reads them ({@code
 * credential_ref=key}, Java properties), written owner-readable only and replaced atomically, so
 * the job (which reloads the file when it changes) never reads half of it.
 */
final class CredentialsFile {
  private final Path file;
  private Map<String, String> written;

  CredentialsFile(Path file) {
    this.file = file.toAbsolutePath();
  }

  synchronized void write(Map<String, String> credentials) {
    if (credentials.equals(written)) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Path tmp =
          Files.createTempFile(
              file.getParent(),
              ".credentials",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Properties p = new Properties();
      p.putAll(credentials);
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(w, "SendFlowr ESP credentials by credential_ref (ESP account id)");
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      written = Map.copyOf(credentials);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the credentials file " + file, e);
    }
  }
}
