package com.sendflowr.timing.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.contract.Contracts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestTest {
  private static final Instant CUTOFF = Instant.parse("2026-03-02T00:00:00Z");

  private static String signal(String id, String type, Instant at, String who) {
    return String.format(
        "{\"event_id\":\"%s\",\"event_type\":\"%s\",\"occurred_at\":\"%s\",\"universal_id\":\"%s\"}",
        id, type, at, who);
  }

  /**
   * Two recipients with a rigid weekly habit (alice Wednesdays 08:00, bob Tuesdays 20:00) for eight
   * weeks, each with one click in the evaluation window at the habitual time; the engine should hit
   * both within 30 minutes, and their information gain must be positive.
   */
  @Test
  void tinyInputWithKnownAnswer(@TempDir Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    int n = 0;
    for (int w = 1; w <= 8; w++) {
      Instant week = CUTOFF.minus(Duration.ofDays(7L * w));
      for (int k = 0; k < 3; k++) {
        Instant wednesday = week.plus(Duration.ofDays(2));
        Instant tuesday = week.plus(Duration.ofDays(1));
        lines.add(signal("a" + n++, "click", wednesday.plusSeconds(8 * 3600 + k * 120), "alice"));
        lines.add(signal("b" + n++, "click", tuesday.plusSeconds(20 * 3600 + k * 180), "bob"));
      }
    }
    lines.add(
        signal("x1", "click", CUTOFF.plus(Duration.ofDays(2)).plusSeconds(8 * 3600), "alice"));
    lines.add(signal("x2", "click", CUTOFF.plus(Duration.ofDays(1)).plusSeconds(20 * 3600), "bob"));
    lines.add(signal("x3", "open", CUTOFF.plus(Duration.ofDays(1)), "bob")); // not an eval type
    lines.add("{not json");
    lines.add(signal("late", "click", CUTOFF.plus(Duration.ofDays(9)), "alice")); // after horizon
    Path file = dir.resolve("signals.jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        TimingCli.run(
            new String[] {
              "backtest",
              "--signals",
              file.toString(),
              "--cutoff",
              CUTOFF.toString(),
              "--horizon",
              "P7D",
              "--out",
              dir.resolve("out").toString(),
              "--progress-every",
              "10"
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("backtest: 40 lines");

    JsonNode report = Contracts.mapper().readTree(dir.resolve("out/report.json").toFile());
    assertThat(report.get("recipients_evaluated").asLong()).isEqualTo(2);
    assertThat(report.at("/input/rejected").size()).isEqualTo(1);
    assertThat(report.at("/input/evaluation_events").asLong()).isEqualTo(2);
    JsonNode engine = report.at("/policies/engine");
    assertThat(engine.get("hit_rate_30m").asDouble()).isEqualTo(1.0);
    assertThat(engine.get("log_likelihood_gain_bits").asDouble()).isGreaterThan(3);
    assertThat(report.at("/policies/uniform_random/log_likelihood_gain_bits").asDouble()).isZero();
    assertThat(report.at("/policies/hourly_histogram/hit_rate_60m").asDouble()).isEqualTo(1.0);
    assertThat(report.has("engine_beats_all_baselines")).isTrue();

    List<String> decisions = Files.readAllLines(dir.resolve("out/decisions.jsonl"));
    assertThat(decisions).hasSize(2);
    JsonNode first = Contracts.mapper().readTree(decisions.get(0));
    assertThat(first.get("universal_id").asText()).isEqualTo("alice");
    assertThat(first.has("target_timestamp_utc")).isTrue();
    assertThat(first.get("target_minute_utc").asInt()).isBetween(0, 10_079);
    assertThat(first.get("confidence_score").asDouble()).isBetween(0.0, 1.0);
    byte[] png = Files.readAllBytes(dir.resolve("out/report.png"));
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
  }

  @Test
  void badArgumentsExitWithTwoAndSayWhy(@TempDir Path dir) {
    assertThat(run("backtest", "--cutoff", "yesterday")).startsWith("2:").contains("--signals");
    assertThat(
            run(
                "backtest",
                "--signals",
                dir.resolve("missing").toString(),
                "--cutoff",
                "2026-01-01T00:00:00Z",
                "--horizon",
                "P7D",
                "--out",
                dir.toString()))
        .startsWith("2:")
        .contains("no such file");
    assertThat(run("backtest", "--signals", "s", "--horizon", "P7D", "--out", "o", "--bogus", "1"))
        .startsWith("2:")
        .contains("Unknown options: '--bogus'");
    assertThat(run("frobnicate"))
        .startsWith("2:")
        .contains("Unmatched argument")
        .contains("frobnicate");
    assertThat(run("simulate", "--recipients", "-3", "--out", dir.toString()))
        .startsWith("2:")
        .contains("--recipients must be in");
    assertThat(run("backtest", "--help")).startsWith("0:").contains("--eval-types");
    assertThat(run("simulate", "--help")).startsWith("0:").contains("--weeks");
    assertThat(run()).startsWith("2:");
  }

  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        TimingCli.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    return code + ":" + out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void simulatorIsReproducibleAndItsOutputFeedsTheBacktest(@TempDir Path dir) throws Exception {
    String[] sim = {"simulate", "--recipients", "60", "--weeks", "4", "--seed", "7", "--out"};
    assertThat(run(concat(sim, dir.resolve("a").toString()))).startsWith("0:");
    assertThat(run(concat(sim, dir.resolve("b").toString()))).startsWith("0:");
    assertThat(Files.readAllBytes(dir.resolve("a/signals.jsonl")))
        .isEqualTo(Files.readAllBytes(dir.resolve("b/signals.jsonl")));
    JsonNode report = Contracts.mapper().readTree(dir.resolve("a/simulation.json").toFile());
    JsonNode again = Contracts.mapper().readTree(dir.resolve("b/simulation.json").toFile());
    for (String field :
        List.of("policies", "policies_recipients_with_10_or_more_events", "ablation")) {
      assertThat(again.get(field)).as(field).isEqualTo(report.get(field));
    }
    assertThat(report.at("/policies/oracle/oracle_uplift_captured").asDouble()).isEqualTo(1.0);
    assertThat(report.at("/policies/uniform_random/oracle_uplift_captured").asDouble()).isZero();
    // Fed its true rhythm, the engine gets close to the oracle: the diagnostic ceiling.
    assertThat(report.at("/ablation/engine_with_true_rhythm_uplift_captured").asDouble())
        .isGreaterThan(0.8)
        .isGreaterThan(report.at("/policies/engine/oracle_uplift_captured").asDouble());
    assertThat(report.at("/model/response_lead_minutes").asDouble()).isEqualTo(20.0);
    // Knowing each routine but not which weekdays happen to be busier caps what history can teach.
    assertThat(report.at("/ablation/oracle_without_day_noise_uplift_captured").asDouble())
        .isBetween(0.5, 1.0);
    assertThat(report.has("posterior_reference")).isFalse();

    // The posterior reference scores the same world: the signals do not change.
    assertThat(
            run(
                concat(
                    new String[] {
                      "simulate",
                      "--recipients",
                      "60",
                      "--weeks",
                      "4",
                      "--seed",
                      "7",
                      "--reference-recipients",
                      "6",
                      "--reference-iterations",
                      "400",
                      "--out"
                    },
                    dir.resolve("ref").toString())))
        .startsWith("0:")
        .contains("posterior reference:");
    assertThat(Files.readAllBytes(dir.resolve("ref/signals.jsonl")))
        .isEqualTo(Files.readAllBytes(dir.resolve("a/signals.jsonl")));
    JsonNode ref =
        Contracts.mapper()
            .readTree(dir.resolve("ref/simulation.json").toFile())
            .get("posterior_reference");
    assertThat(ref.get("recipients").asInt()).isEqualTo(6);
    assertThat(ref.at("/uplift_captured/all/recipients").asInt()).isEqualTo(6);
    assertThat(ref.at("/uplift_captured/all/posterior_reference").asDouble()).isBetween(-1.0, 1.0);
    assertThat(ref.at("/uplift_captured/all/engine").asDouble()).isBetween(-1.0, 1.0);
    assertThat(ref.at("/uplift_captured/all/oracle_without_day_noise").asDouble())
        .isBetween(0.0, 1.0);
    assertThat(ref.at("/uplift_captured/with_10_or_more_events/recipients").asInt())
        .isBetween(0, 6);
    assertThat(ref.at("/uplift_captured/without_routine_change/recipients").asInt())
        .isBetween(0, 6);
    assertThat(
            Contracts.mapper()
                .readTree(dir.resolve("ref/simulation.json").toFile())
                .at(
                    "/targets/posterior_reference_captures_at_least_80_percent_with_10_or_more_events")
                .isBoolean())
        .isTrue();
    String cutoff = report.get("cutoff").asText();
    assertThat(
            run(
                "backtest",
                "--signals",
                dir.resolve("a/signals.jsonl").toString(),
                "--cutoff",
                cutoff,
                "--horizon",
                "P7D",
                "--out",
                dir.resolve("bt").toString()))
        .startsWith("0:");
    assertThat(Files.exists(dir.resolve("bt/report.json"))).isTrue();
  }

  private static String[] concat(String[] a, String b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = b;
    return out;
  }
}
