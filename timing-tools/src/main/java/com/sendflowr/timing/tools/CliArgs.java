package com.sendflowr.timing.tools;

import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.model.ModelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options with typed, validated accessors; unknown options are errors. */
final class CliArgs {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final boolean help;

  private CliArgs(Map<String, String> values, boolean help) {
    this.values.putAll(values);
    this.help = help;
  }

  static CliArgs parse(String[] args, int from, Set<String> known) {
    Map<String, String> v = new LinkedHashMap<>();
    boolean help = false;
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        help = true;
        continue;
      }
      if (!a.startsWith("--")) {
        throw new UsageException("unexpected argument '" + a + "'");
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (FLAGS.contains(name)) {
        value = "true";
      } else {
        if (i + 1 >= args.length) {
          throw new UsageException("option --" + name + " needs a value");
        }
        value = args[++i];
      }
      if (!known.contains(name)) {
        throw new UsageException("unknown option --" + name);
      }
      if (v.put(name, value) != null) {
        throw new UsageException("option --" + name + " given twice");
      }
    }
    return new CliArgs(v, help);
  }

  /** Options that take no value. */
  static final Set<String> FLAGS = Set.of("decide-all", "no-prior", "calibrate");

  boolean flag(String name) {
    return values.containsKey(name);
  }

  boolean help() {
    return help;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String required(String name) {
    String v = values.get(name);
    if (v == null || v.isBlank()) {
      throw new UsageException("missing required option --" + name);
    }
    return v;
  }

  Path path(String name) {
    return Path.of(required(name));
  }

  Instant instant(String name) {
    String v = required(name);
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new UsageException(
          "--" + name + " must be an ISO-8601 instant like 2026-03-02T00:00:00Z, got '" + v + "'");
    }
  }

  Duration duration(String name, Duration fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      Duration d = Duration.parse(v);
      if (d.isNegative() || d.isZero()) {
        throw new UsageException("--" + name + " must be positive, got '" + v + "'");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new UsageException(
          "--" + name + " must be an ISO-8601 duration like P7D or PT36H, got '" + v + "'");
    }
  }

  long longValue(String name, long fallback, long min, long max) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.replace("_", ""));
      if (n < min || n > max) {
        throw new UsageException("--" + name + " must be in [" + min + ", " + max + "], got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
    }
  }

  double doubleValue(String name, double fallback, double min, double max) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      double n = Double.parseDouble(v);
      if (!(n >= min && n <= max)) {
        throw new UsageException("--" + name + " must be in [" + min + ", " + max + "], got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number, got '" + v + "'");
    }
  }

  /** Comma-separated signal types, each validated against the known wire names. */
  Set<SignalType> signalTypes(String name, Set<SignalType> fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    Set<SignalType> out = new LinkedHashSet<>();
    for (String s : v.split(",")) {
      String t = s.trim();
      if (t.isEmpty()) {
        continue;
      }
      out.add(
          SignalType.fromWire(t)
              .orElseThrow(
                  () -> new UsageException("--" + name + ": unknown signal type '" + t + "'")));
    }
    if (out.isEmpty()) {
      throw new UsageException("--" + name + " names no signal type");
    }
    return out;
  }

  /**
   * The model configuration: defaults, overridden by --half-life, --smoothing, --prior-strength,
   * --day-of-week-evidence, --response-lead, --cohorts, --cohort-temperature, --spread-tolerance
   * and --weights type=w,...
   */
  ModelConfig modelConfig() {
    return modelConfig(ModelConfig.defaults());
  }

  /** {@code base} with the model overrides given applied. */
  ModelConfig modelConfig(ModelConfig base) {
    try {
      return modelOverrides(base);
    } catch (IllegalArgumentException e) {
      throw new UsageException("invalid model option: " + e.getMessage());
    }
  }

  /** A command's own options plus the model overrides every command accepts. */
  static Set<String> withModelOptions(String... own) {
    Set<String> all = new java.util.HashSet<>(MODEL_OPTIONS);
    all.addAll(Set.of(own));
    return Set.copyOf(all);
  }

  private ModelConfig modelOverrides(ModelConfig base) {
    ModelConfig c = base;
    if (has("half-life")) {
      c = c.withHalfLife(duration("half-life", null));
    }
    if (has("smoothing")) {
      c = c.withSmoothingMinutes(doubleValue("smoothing", 0, 0, 1440));
    }
    if (has("prior-strength")) {
      c = c.withPriorStrength(doubleValue("prior-strength", 0, 0, 1e6));
    }
    if (has("day-of-week-evidence")) {
      c = c.withDayOfWeekEvidence(doubleValue("day-of-week-evidence", 0, 0, 1e9));
    }
    if (has("response-lead")) {
      c = c.withResponseLeadMinutes(doubleValue("response-lead", 0, 0, 1440));
    }
    if (has("cohorts")) {
      c = c.withCohorts((int) longValue("cohorts", 0, 0, 256));
    }
    if (has("cohort-temperature")) {
      c = c.withCohortTemperature(doubleValue("cohort-temperature", 0, 0, 100));
    }
    if (has("burst-minutes")) {
      c = c.withBurstMinutes(doubleValue("burst-minutes", 0, 0, 1440));
    }
    if (has("uniform-mix")) {
      c = c.withUniformMix(doubleValue("uniform-mix", 0, 0, 1));
    }
    if (has("spread-tolerance")) {
      c = c.withSpreadTolerance(doubleValue("spread-tolerance", 0, 0, 1));
    }
    if (has("weights")) {
      EnumMap<SignalType, Double> w = new EnumMap<>(c.signalWeights());
      for (String pair : required("weights").split(",")) {
        String[] kv = pair.split("=");
        if (kv.length != 2) {
          throw new UsageException("--weights wants type=weight pairs, got '" + pair + "'");
        }
        SignalType t =
            SignalType.fromWire(kv[0].trim())
                .orElseThrow(() -> new UsageException("--weights: unknown type '" + kv[0] + "'"));
        try {
          w.put(t, Double.parseDouble(kv[1].trim()));
        } catch (NumberFormatException e) {
          throw new UsageException("--weights: '" + kv[1] + "' is not a number");
        }
      }
      c = c.withSignalWeights(w);
    }
    return c;
  }

  /** The model overrides given, as arguments in the order given, to repeat them in a command. */
  String modelArguments() {
    StringBuilder sb = new StringBuilder();
    values.forEach(
        (name, value) -> {
          if (MODEL_OPTIONS.contains(name)) {
            sb.append(" --").append(name).append(' ').append(value);
          }
        });
    return sb.toString();
  }

  static final Set<String> MODEL_OPTIONS =
      Set.of(
          "half-life",
          "smoothing",
          "prior-strength",
          "day-of-week-evidence",
          "response-lead",
          "cohorts",
          "cohort-temperature",
          "spread-tolerance",
          "burst-minutes",
          "uniform-mix",
          "weights");
}
