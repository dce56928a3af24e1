package com.sendflowr.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs one of the operator UI's browser scripts ({@code config-service/ui/e2e/*.test.mjs}) with
 * Node's test runner: they drive Debian's headless Chromium through playwright-core against a
 * running service. {@code scripts/chromium.sh} installs the browser (the test script runs it before
 * Maven); the Maven build of config-service installs the npm packages.
 */
public final class BrowserScripts {
  private static final Pattern PASSED = Pattern.compile("(?m)^\\S+ pass [1-9]");
  private static final Pattern NONE_FAILED = Pattern.compile("(?m)^\\S+ fail 0$");

  private BrowserScripts() {}

  /** The browser binary: {@code SENDFLOWR_CHROMIUM}, else Debian's. */
  public static String chromium() {
    String chromium = System.getenv().getOrDefault("SENDFLOWR_CHROMIUM", "/usr/bin/chromium");
    if (!new File(chromium).canExecute()) {
      throw new AssertionError(
          "no headless Chromium at "
              + chromium
              + ": run scripts/chromium.sh (scripts/test.sh does)");
    }
    return chromium;
  }

  /**
   * Runs {@code script} (relative to {@code uiDir}) and fails unless it ran tests and none failed.
   *
   * @param env the script's inputs (service URLs, tokens...); the browser's path is added
   * @param log where the runner's output goes (it is also in the failure message)
   * @return the runner's output
   */
  public static String run(
      Path uiDir, String script, Map<String, String> env, Path log, Duration timeout)
      throws IOException, InterruptedException {
    if (!Files.isDirectory(uiDir.resolve("node_modules/playwright-core"))) {
      throw new AssertionError(
          "the UI's npm packages are missing in " + uiDir + " (the Maven build runs npm ci)");
    }
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder pb =
        new ProcessBuilder(List.of("node", "--test", "--test-reporter=spec", script))
            .directory(uiDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    pb.environment().put("SENDFLOWR_CHROMIUM", chromium());
    Process node = pb.start();
    boolean done = node.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!done) {
      node.destroyForcibly().waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    if (!done) {
      throw new AssertionError(
          "the browser script " + script + " did not finish in time:\n" + output);
    }
    if (node.exitValue() != 0
        || !PASSED.matcher(output).find()
        || !NONE_FAILED.matcher(output).find()) {
      throw new AssertionError(
          "the browser script " + script + " failed (exit " + node.exitValue() + "):\n" + output);
    }
    return output;
  }
}
