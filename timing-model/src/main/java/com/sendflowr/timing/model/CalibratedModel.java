package com.sendflowr.timing.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sendflowr.contract.SignalType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A model configuration chosen by calibration from the signals before {@code until}, with the
 * evidence for each choice, and optionally the population prior learned with it. Written by {@code
 * calibrate}; the streaming job loads it with {@link #read(Path)}.
 *
 * <p>The file is versioned JSON ({@value #FORMAT}, {@code format_version} {@value
 * #FORMAT_VERSION}). Fields of the configuration that the file does not name keep their {@link
 * ModelConfig#defaults()}; unknown fields, unknown versions and invalid values are rejected with a
 * message that names them.
 *
 * @param until the calibration used only signals strictly before this instant
 * @param samples recipients the calibration looked at
 * @param evidence per calibrated parameter: the candidates tried and their validation scores
 * @param prior the prior learned from the same signals, or null when the file carries none
 */
public record CalibratedModel(
    Instant until,
    long samples,
    ModelConfig config,
    List<Evidence> evidence,
    PopulationPrior prior) {

  public static final String FORMAT = "sendflowr-timing-model";
  public static final int FORMAT_VERSION = 1;

  public CalibratedModel {
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(config, "config");
    evidence = List.copyOf(evidence);
  }

  /**
   * Why one parameter has its value: every candidate tried with the others at their chosen values,
   * scored on validation folds inside the history.
   *
   * @param criterion what the scores are (e.g. mean log2 lift per held-out event)
   */
  public record Evidence(String parameter, String chosen, String criterion, List<Candidate> tried) {
    public Evidence {
      tried = List.copyOf(tried);
    }
  }

  /** One candidate value and its validation score (higher is better), over {@code events}. */
  public record Candidate(String value, double score, long events) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Set<String> CONFIG_FIELDS =
      Set.of(
          "half_life",
          "smoothing_minutes",
          "prior_strength",
          "day_of_week_evidence",
          "response_lead_minutes",
          "uniform_mix",
          "cohorts",
          "cohort_temperature",
          "burst_minutes",
          "spread_tolerance",
          "signal_weights");

  /**
   * Writes the file (pretty JSON, UTF-8) through a temporary file in the same directory and an
   * atomic rename, so a reader never sees a half-written model, even if the writer is killed.
   */
  public void write(Path file) throws IOException {
    Path abs = file.toAbsolutePath();
    Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
    try {
      Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
      Files.move(
          tmp,
          abs,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("format_version", FORMAT_VERSION);
    root.put("model_version", ModelConfig.MODEL_VERSION);
    root.put("until", until.toString());
    root.put("samples", samples);
    ObjectNode c = root.putObject("config");
    c.put("half_life", text(config.halfLife()));
    c.put("smoothing_minutes", config.smoothingMinutes());
    c.put("prior_strength", config.priorStrength());
    c.put("day_of_week_evidence", config.dayOfWeekEvidence());
    c.put("response_lead_minutes", config.responseLeadMinutes());
    c.put("uniform_mix", config.uniformMix());
    c.put("cohorts", config.cohorts());
    c.put("cohort_temperature", config.cohortTemperature());
    c.put("burst_minutes", config.burstMinutes());
    c.put("spread_tolerance", config.spreadTolerance());
    ObjectNode w = c.putObject("signal_weights");
    new EnumMap<>(config.signalWeights()).forEach((k, v) -> w.put(k.wire(), v));
    ArrayNode ev = root.putArray("evidence");
    for (Evidence e : evidence) {
      ObjectNode n = ev.addObject();
      n.put("parameter", e.parameter());
      n.put("chosen", e.chosen());
      n.put("criterion", e.criterion());
      ArrayNode t = n.putArray("tried");
      for (Candidate k : e.tried()) {
        t.addObject().put("value", k.value()).put("score", k.score()).put("events", k.events());
      }
    }
    if (prior != null) {
      root.put("population_prior", Base64.getEncoder().encodeToString(prior.toBytes()));
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads a calibrated model file. Throws {@link IllegalArgumentException} naming the problem for
   * anything that is not a valid file of a known version.
   */
  public static CalibratedModel read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  public static CalibratedModel parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("calibrated model is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
      throw new IllegalArgumentException("not a " + FORMAT + " file");
    }
    int version = root.path("format_version").asInt(-1);
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "unsupported " + FORMAT + " format_version " + root.path("format_version"));
    }
    Instant until;
    try {
      until = Instant.parse(root.path("until").asText());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'until' must be an ISO-8601 instant");
    }
    JsonNode c = root.path("config");
    if (!c.isObject()) {
      throw new IllegalArgumentException("'config' must be an object");
    }
    for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!CONFIG_FIELDS.contains(f)) {
        throw new IllegalArgumentException("unknown config field '" + f + "'");
      }
    }
    ModelConfig cfg = ModelConfig.defaults();
    try {
      if (c.has("half_life")) {
        cfg = cfg.withHalfLife(Duration.parse(c.get("half_life").asText()));
      }
      cfg =
          number(c, "smoothing_minutes")
              ? cfg.withSmoothingMinutes(d(c, "smoothing_minutes"))
              : cfg;
      cfg = number(c, "prior_strength") ? cfg.withPriorStrength(d(c, "prior_strength")) : cfg;
      cfg =
          number(c, "day_of_week_evidence")
              ? cfg.withDayOfWeekEvidence(d(c, "day_of_week_evidence"))
              : cfg;
      cfg =
          number(c, "response_lead_minutes")
              ? cfg.withResponseLeadMinutes(d(c, "response_lead_minutes"))
              : cfg;
      cfg = number(c, "uniform_mix") ? cfg.withUniformMix(d(c, "uniform_mix")) : cfg;
      if (c.has("cohorts")) {
        if (!c.get("cohorts").canConvertToInt() || !c.get("cohorts").isIntegralNumber()) {
          throw new IllegalArgumentException("cohorts must be an integer");
        }
        cfg = cfg.withCohorts(c.get("cohorts").intValue());
      }
      cfg =
          number(c, "cohort_temperature")
              ? cfg.withCohortTemperature(d(c, "cohort_temperature"))
              : cfg;
      cfg = number(c, "burst_minutes") ? cfg.withBurstMinutes(d(c, "burst_minutes")) : cfg;
      cfg = number(c, "spread_tolerance") ? cfg.withSpreadTolerance(d(c, "spread_tolerance")) : cfg;
      if (c.has("signal_weights")) {
        JsonNode w = c.get("signal_weights");
        if (!w.isObject()) {
          throw new IllegalArgumentException("signal_weights must be an object");
        }
        Map<SignalType, Double> weights = new EnumMap<>(SignalType.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = w.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          SignalType t =
              SignalType.fromWire(e.getKey())
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException("unknown signal type '" + e.getKey() + "'"));
          if (!e.getValue().isNumber()) {
            throw new IllegalArgumentException("weight of " + e.getKey() + " must be a number");
          }
          weights.put(t, e.getValue().doubleValue());
        }
        cfg = cfg.withSignalWeights(weights);
      }
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("half_life must be an ISO-8601 duration like P90D");
    }
    List<Evidence> evidence = new ArrayList<>();
    for (JsonNode n : root.path("evidence")) {
      List<Candidate> tried = new ArrayList<>();
      for (JsonNode t : n.path("tried")) {
        tried.add(
            new Candidate(
                t.path("value").asText(), t.path("score").asDouble(), t.path("events").asLong()));
      }
      evidence.add(
          new Evidence(
              n.path("parameter").asText(),
              n.path("chosen").asText(),
              n.path("criterion").asText(),
              tried));
    }
    PopulationPrior prior = null;
    if (root.hasNonNull("population_prior")) {
      try {
        prior =
            PopulationPrior.fromBytes(
                Base64.getDecoder().decode(root.get("population_prior").asText()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("population_prior: " + e.getMessage());
      }
    }
    return new CalibratedModel(until, root.path("samples").asLong(0), cfg, evidence, prior);
  }

  /** A duration as ISO-8601 in whole days when it is whole days ({@code P730D}, not PT17520H). */
  public static String text(Duration d) {
    return d.equals(Duration.ofDays(d.toDays())) ? "P" + d.toDays() + "D" : d.toString();
  }

  private static boolean number(JsonNode c, String field) {
    if (!c.has(field)) {
      return false;
    }
    if (!c.get(field).isNumber()) {
      throw new IllegalArgumentException(field + " must be a number");
    }
    return true;
  }

  private static double d(JsonNode c, String field) {
    return c.get(field).doubleValue();
  }
}
