package com.sendflowr.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the repository's {@code scripts/<service>.sh start|stop} so that tests start servers exactly
 * the way developers and CI do.
 */
final class ServiceScripts {

  /** Generous: the first start may install the server with apt. */
  private static final long START_TIMEOUT_SECONDS = 900;

  private static final long STOP_TIMEOUT_SECONDS = 120;

  private ServiceScripts() {}

  /** A setting from a system property or, failing that, the environment; null when unset. */
  static String setting(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      value = System.getenv(name);
    }
    return value == null || value.isBlank() ? null : value;
  }

  /**
   * The directory holding {@code scripts/<script>}, found by walking up from the working directory
   * (Maven runs tests inside the module directory).
   */
  static Path repoRoot(String script) {
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null) {
      if (Files.isRegularFile(dir.resolve("scripts").resolve(script))) {
        return dir;
      }
      dir = dir.getParent();
    }
    return null;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free port", e);
    }
  }

  /**
   * Runs {@code scripts/<service>.sh start} with a private run directory and returns the variables
   * it wrote to {@code <runDir>/<service>.env}.
   */
  static Map<String, String> start(
      String service, Path runDir, Map<String, String> env, String manualHint) {
    String script = service + ".sh";
    Path root = repoRoot(script);
    if (root == null) {
      throw new IllegalStateException(
          "Cannot find scripts/"
              + script
              + " above "
              + Paths.get("").toAbsolutePath()
              + ". "
              + manualHint);
    }
    Result result = run(root, script, "start", runDir, env, START_TIMEOUT_SECONDS);
    Path envFile = runDir.resolve(service + ".env");
    if (result.exitCode != 0 || !Files.isRegularFile(envFile)) {
      throw new IllegalStateException(
          "scripts/"
              + script
              + " start failed (exit "
              + result.exitCode
              + "). "
              + manualHint
              + "\n--- script output ---\n"
              + tail(result.output, 4000));
    }
    return readEnvFile(envFile);
  }

  static void stop(String service, Path runDir, Map<String, String> env) {
    String script = service + ".sh";
    Path root = repoRoot(script);
    if (root == null) {
      return;
    }
    Result result = run(root, script, "stop", runDir, env, STOP_TIMEOUT_SECONDS);
    if (result.exitCode != 0) {
      throw new IllegalStateException(
          "scripts/" + script + " stop failed (exit " + result.exitCode + "):\n" + result.output);
    }
  }

  static Map<String, String> readEnvFile(Path file) {
    Map<String, String> values = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (eq > 0 && !line.startsWith("#")) {
          values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
    return values;
  }

  private record Result(int exitCode, String output) {}

  private static Result run(
      Path root,
      String script,
      String command,
      Path runDir,
      Map<String, String> env,
      long timeout) {
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of("bash", root.resolve("scripts").resolve(script).toString(), command))
            .directory(root.toFile())
            .redirectErrorStream(true);
    // A private server must never pick up the settings of a shared one (a sourced env file names
    // the shared server's directory, and `stop` would stop that server and delete its data). Only
    // where the server's programs live (SENDFLOWR_POSTGRES_BIN) is kept.
    builder
        .environment()
        .keySet()
        .removeIf(name -> name.startsWith("SENDFLOWR_") && !name.endsWith("_BIN"));
    builder.environment().putAll(env);
    builder.environment().put("SENDFLOWR_RUN_DIR", runDir.toString());
    // If this JVM dies without running afterAll, the script's watcher stops the server.
    builder
        .environment()
        .put("SENDFLOWR_STOP_WITH_PID", String.valueOf(ProcessHandle.current().pid()));
    // Output goes to a file: the servers the script starts must not hold a pipe to this JVM open.
    Path log = runDir.resolve(script + "-" + command + ".log");
    builder.redirectOutput(log.toFile());
    try {
      Files.createDirectories(runDir);
      Process process = builder.start();
      if (!process.waitFor(timeout, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Result(-1, "timed out after " + timeout + "s\n" + readQuietly(log));
      }
      return new Result(process.exitValue(), readQuietly(log));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run scripts/" + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running scripts/" + script, e);
    }
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  private static String tail(String text, int chars) {
    return text.length() <= chars ? text : "..." + text.substring(text.length() - chars);
  }
}
