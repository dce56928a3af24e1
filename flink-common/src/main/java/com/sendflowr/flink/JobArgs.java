package com.sendflowr.flink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Job arguments as {@code --name value} pairs, each falling back to an environment variable {@code
 * SENDFLOWR_NAME} (upper case, dashes and dots as underscores) and then to a default — so the same
 * jar is configured by flags on a session cluster and by env/Secrets on Kubernetes.
 *
 * <p>Secrets are the exception: Flink keeps a job's program arguments in its configuration, shows
 * them in the web UI and REST API, and logs them. A flag whose name looks like a secret ({@link
 * #SECRET_NAME}) is therefore refused; {@link #secret} reads it from the environment or from a file
 * named by {@code --name-file}.
 */
public final class JobArgs {
  private final Map<String, String> values;
  private final Map<String, String> env;

  private JobArgs(Map<String, String> values, Map<String, String> env) {
    this.values = values;
    this.env = env;
  }

  public static JobArgs parse(String[] args) {
    return parse(args, System.getenv());
  }

  /** Flag names that would carry a secret, unless they name the file that holds it. */
  static final Pattern SECRET_NAME =
      Pattern.compile(
          ".*(password|passwd|secret|token|api-key|apikey|private-key|encryption-key).*");

  public static JobArgs parse(String[] args, Map<String, String> env) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() < 3) {
        throw new IllegalArgumentException("expected --name value but got '" + a + "'");
      }
      String name = a.substring(2);
      int eq = name.indexOf('=');
      refuseSecret(eq > 0 ? name.substring(0, eq) : name);
      if (eq > 0) {
        values.put(name.substring(0, eq), name.substring(eq + 1));
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        values.put(name, args[++i]);
      } else {
        values.put(name, "true");
      }
    }
    return new JobArgs(values, env);
  }

  private static void refuseSecret(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (SECRET_NAME.matcher(lower).matches() && !lower.endsWith("-file")) {
      // Never echo the value: the point is to keep it out of logs.
      throw new IllegalArgumentException(
          "--"
              + name
              + " would put a secret into the job's arguments, which Flink stores in the job"
              + " configuration and logs; set the environment variable "
              + envName(name)
              + " or pass --"
              + name
              + "-file PATH (a file holding only the secret) instead");
    }
  }

  /**
   * A secret, from the environment variable {@code SENDFLOWR_NAME} or else from the file named by
   * {@code --name-file} (or {@code SENDFLOWR_NAME_FILE}), trailing line breaks removed; {@code
   * null} if neither is set. Never from a flag: {@link #parse} refuses those.
   */
  public String secret(String name) {
    String v = env.get(envName(name));
    if (v != null) {
      return v;
    }
    String file = get(name + "-file", null);
    if (file == null) {
      return null;
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8).stripTrailing();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--" + name + "-file " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  static String envName(String name) {
    return "SENDFLOWR_" + name.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  public String get(String name, String fallback) {
    String v = values.get(name);
    if (v == null) {
      v = env.get(envName(name));
    }
    return v == null ? fallback : v;
  }

  public String require(String name) {
    return require(name, null);
  }

  /**
   * Like {@link #require(String)}, with the reason the flag has no default in the error message.
   */
  public String require(String name, String why) {
    String v = get(name, null);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(
          "missing --"
              + name
              + " (or environment variable "
              + envName(name)
              + ")"
              + (why == null ? "" : ": " + why));
    }
    return v;
  }

  public Duration duration(String name, Duration fallback) {
    String v = get(name, null);
    if (v == null) {
      return fallback;
    }
    return parseDuration(name, v);
  }

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, or ISO-8601 like PT1H. */
  public static Duration parseDuration(String name, String v) {
    var m = SIMPLE_DURATION.matcher(v.trim());
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      return Duration.parse(v.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--" + name + " must be a duration like 500ms, 30s, 5m, 2h or PT1H but was '" + v + "'");
    }
  }

  private static final java.util.regex.Pattern SIMPLE_DURATION =
      java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)");

  public boolean has(String name) {
    return get(name, null) != null;
  }
}
