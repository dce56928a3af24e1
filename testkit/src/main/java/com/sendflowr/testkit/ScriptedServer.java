package com.sendflowr.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server that is either already running (its connection details are in environment variables
 * written by {@code scripts/<service>.sh start}) or started privately for one test class through
 * the same script, with its own run directory and free ports, and stopped afterwards.
 */
abstract class ScriptedServer implements BeforeAllCallback, AfterAllCallback {

  private final String service;
  private final boolean alwaysPrivate;
  private Path privateRunDir;
  private Map<String, String> privateEnv;
  private Map<String, String> settings;

  ScriptedServer(String service) {
    this(service, false);
  }

  /**
   * @param alwaysPrivate start a private server even when a running one is configured: for tests
   *     that stop the server, which must never be the one everybody shares
   */
  ScriptedServer(String service, boolean alwaysPrivate) {
    this.service = service;
    this.alwaysPrivate = alwaysPrivate;
  }

  /** The variable whose presence means "use the server that is already running". */
  abstract String externalMarkerVariable();

  /** Script environment (ports) for a private server. */
  abstract Map<String, String> privateServerEnv();

  /** Called once connection settings are known; verify the server answers. */
  abstract void connected(Map<String, String> settings);

  /** Cleanup of what the tests created, before a private server is stopped or an external kept. */
  abstract void cleanUp();

  String manualHint() {
    return "Start the server yourself with `scripts/"
        + service
        + ".sh start`, then load its variables (`set -a; . /tmp/sendflowr-services/"
        + service
        + ".env; set +a`) before running the tests.";
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  /** Connects or starts; the JUnit callbacks call this, it is public for non-JUnit use. */
  public synchronized void start() {
    if (settings != null) {
      return;
    }
    String marker = alwaysPrivate ? null : ServiceScripts.setting(externalMarkerVariable());
    if (marker != null) {
      settings = externalSettings();
    } else {
      privateRunDir = createRunDir();
      privateEnv = privateServerEnv();
      try {
        settings = ServiceScripts.start(service, privateRunDir, privateEnv, manualHint());
        requireInsideRunDir(settings);
      } catch (RuntimeException e) {
        deleteQuietly(privateRunDir);
        privateRunDir = null;
        throw e;
      }
    }
    try {
      connected(settings);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  /** Drops what the tests created and stops a privately started server. */
  public synchronized void stop() {
    if (settings == null) {
      return;
    }
    try {
      cleanUp();
    } finally {
      settings = null;
      if (privateRunDir != null) {
        try {
          ServiceScripts.stop(service, privateRunDir, privateEnv);
        } finally {
          deleteQuietly(privateRunDir);
          privateRunDir = null;
        }
      }
    }
  }

  /**
   * Stops the private server but keeps its data directory and ports, as an outage would; {@link
   * #restartServer()} brings it back with the same data. Refused for a shared server.
   */
  public synchronized void stopServerKeepingData() {
    requirePrivate();
    Map<String, String> env = new HashMap<>(privateEnv);
    env.put("SENDFLOWR_KEEP_DATA", "1");
    ServiceScripts.stop(service, privateRunDir, env);
  }

  /** Starts the private server again after {@link #stopServerKeepingData()}, on the same ports. */
  public synchronized void restartServer() {
    requirePrivate();
    settings = ServiceScripts.start(service, privateRunDir, privateEnv, manualHint());
    connected(settings);
  }

  /** A private server keeps everything in its own run directory, or it is not private. */
  private void requireInsideRunDir(Map<String, String> started) {
    for (Map.Entry<String, String> e : started.entrySet()) {
      if (e.getKey().endsWith("_DIR") && !e.getValue().startsWith(privateRunDir.toString())) {
        settings = null; // and no `stop`: what runs there is not ours
        throw new IllegalStateException(
            "the private "
                + service
                + " server reports "
                + e.getKey()
                + "="
                + e.getValue()
                + ", outside its run directory: refusing to use or stop it");
      }
    }
  }

  private void requirePrivate() {
    if (privateRunDir == null) {
      throw new IllegalStateException(
          "only a server this extension started itself may be stopped; create the extension"
              + " with a private server for tests that stop it");
    }
  }

  /** True when this extension started its own server (no externally started one was set). */
  public synchronized boolean isPrivate() {
    return privateRunDir != null;
  }

  /** Connection settings read from environment variables / system properties. */
  abstract Map<String, String> externalSettings();

  Map<String, String> settings() {
    Map<String, String> current = settings;
    if (current == null) {
      throw new IllegalStateException(
          getClass().getSimpleName()
              + " is not started: register it as a static field with @RegisterExtension");
    }
    return current;
  }

  private Path createRunDir() {
    try {
      // World-traversable: PostgreSQL runs as its own user and must reach its data directory.
      Path dir =
          Files.createTempDirectory(
              "sendflowr-" + service + "-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a run directory for " + service, e);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // A leftover temp directory is harmless; failing the test run over it is not.
    }
  }
}
