package com.sendflowr.timing.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.model.EngagementCurve;
import com.sendflowr.timing.model.ModelConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollingBacktestTest {
  private static final Instant UNTIL = Instant.parse("2026-03-02T00:00:00Z");

  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        TimingCli.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    return code + ":" + out.toString(StandardCharsets.UTF_8);
  }

  private static Path signals(Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    int n = 0;
    for (CalibratorTest.Event e : CalibratorTest.world(5, 30, 16, 0)) {
      lines.add(
          String.format(
              "{\"event_id\":\"e%d\",\"event_type\":\"click\",\"occurred_at\":\"%s\","
                  + "\"universal_id\":\"%s\"}",
              n++, Instant.ofEpochSecond(e.at()), e.who()));
    }
    // A recipient whose only event is long before the cutoffs: history, never an evaluation event.
    lines.add(
        "{\"event_id\":\"q\",\"event_type\":\"click\",\"occurred_at\":\"2025-10-01T10:00:00Z\","
            + "\"universal_id\":\"quiet\"}");
    Path file = dir.resolve("signals.jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void cutoffRangesAreInclusiveAndTheReadmeDefaultsGiveSeventyTwo() {
    List<Instant> c = Backtest.CutoffRange.parse("2023-11-06..2026-08-03/P14D");
    assertThat(c).hasSize(72);
    assertThat(c.get(0)).isEqualTo(Instant.parse("2023-11-06T00:00:00Z"));
    assertThat(c.get(71)).isEqualTo(Instant.parse("2026-07-27T00:00:00Z"));
    assertThat(Backtest.CutoffRange.parse("2026-01-05T00:00:00Z..2026-01-19T00:00:00Z/P7D"))
        .hasSize(3);
  }

  @Test
  void fitsStrictlyBeforeTheCutoffAndEvaluatesTheHorizonAfterIt() {
    SignalHistory.Builder b = new SignalHistory.Builder();
    b.add("a", SignalType.CLICK, UNTIL.toEpochMilli() - 1);
    b.add("a", SignalType.CLICK, UNTIL.toEpochMilli());
    b.add("a", SignalType.CLICK, UNTIL.plus(Duration.ofDays(7)).toEpochMilli() - 1);
    b.add("a", SignalType.CLICK, UNTIL.plus(Duration.ofDays(7)).toEpochMilli());
    Backtest.Fitted f = fitWeek(b.build(), cfg(), Backtest.Fit.PAST);
    assertThat(f.fitEvents).isEqualTo(1);
    assertThat(f.evalEvents).isEqualTo(2);
    assertThat(f.recipients[0].state.signalCount()).isEqualTo(1);
    assertThat(f.recipients[0].evalCount).isEqualTo(2);
  }

  @Test
  void theOutsideWindowReferenceAlsoFitsTheFutureButNeverTheWindow() {
    long day = Duration.ofDays(1).toMillis();
    long end = UNTIL.plus(Duration.ofDays(7)).toEpochMilli();
    // Wednesday 14:00, 2 days 14 hours after the window; the past event is 2 days 10 hours before
    // it.
    Instant after = Instant.parse("2026-03-11T14:00:00Z");
    assertThat(after.toEpochMilli()).isEqualTo(end + 2 * day + 14 * 3_600_000L);
    SignalHistory.Builder b = new SignalHistory.Builder();
    b.add("a", SignalType.CLICK, UNTIL.toEpochMilli() - 2 * day - 10 * 3_600_000L);
    b.add("a", SignalType.CLICK, UNTIL.toEpochMilli() + day);
    b.add("a", SignalType.CLICK, after.toEpochMilli());
    b.add("only-after", SignalType.CLICK, after.toEpochMilli());
    SignalHistory h = b.build();

    Backtest.Fitted past = fitWeek(h, cfg(), Backtest.Fit.PAST);
    Backtest.Fitted all = fitWeek(h, cfg(), Backtest.Fit.OUTSIDE_WINDOW);

    assertThat(past.fitEvents).isEqualTo(1);
    assertThat(past.recipients[1]).isNull();
    assertThat(all.fitEvents).isEqualTo(3);
    assertThat(all.evalEvents).isEqualTo(past.evalEvents).isEqualTo(1);
    Backtest.Recipient a = all.recipients[0];
    assertThat(a.state.signalCount()).isEqualTo(2);
    assertThat(a.evalCount).isEqualTo(1);
    // Both fitted events lie 2 days 10 hours (before) and 2 days 14 hours (after) from the window:
    // each weighs its distance from the window, not from the cutoff.
    double halfLifeHours = cfg().halfLife().toHours();
    double expected = Math.pow(0.5, 58 / halfLifeHours) + Math.pow(0.5, 62 / halfLifeHours);
    assertThat(a.state.massAt(UNTIL, cfg().halfLife())).isCloseTo(expected, Offset.offset(1e-6));
    // The event after the window keeps its own minute of the week.
    Backtest.Recipient onlyAfter = all.recipients[1];
    ModelConfig sharp = cfg().withDayOfWeekEvidence(0).withSmoothingMinutes(30);
    int peak = EngagementCurve.blend(onlyAfter.state, 1, null, sharp).peakMinute();
    assertThat(peak)
        .isCloseTo((int) Math.round(MinuteOfWeek.fractionalOf(after)), Offset.offset(10));
    assertThat(onlyAfter.histogram).isNotNull();
    assertThat(onlyAfter.evalCount).isZero();
  }

  @Test
  void afterTheWindowABurstCountsAboutOnceAsItDoesBeforeTheCutoff() {
    long end = UNTIL.plus(Duration.ofDays(7)).toEpochMilli();
    long minute = 60_000L;
    SignalHistory.Builder b = new SignalHistory.Builder();
    b.add("a", SignalType.CLICK, UNTIL.toEpochMilli() + minute);
    b.add("a", SignalType.CLICK, end);
    b.add("a", SignalType.CLICK, end + minute);
    b.add("a", SignalType.CLICK, end + 2 * minute);
    ModelConfig bursts = cfg().withBurstMinutes(30).withHalfLife(Duration.ofDays(100_000));
    Backtest.Fitted f = fitWeek(b.build(), bursts, Backtest.Fit.OUTSIDE_WINDOW);
    // The first counts fully, the next two a minute apart add 1 - exp(-1/30) each.
    double expected = 1 + 2 * -Math.expm1(-1 / 30.0);
    assertThat(f.recipients[0].state.mass()).isCloseTo(expected, Offset.offset(1e-6));
    assertThat(f.recipients[0].state.signalCount()).isEqualTo(3);
  }

  @Test
  void theReferenceFitIsNamedInTheReportAndABadValueIsAUsageError(@TempDir Path dir)
      throws Exception {
    Path file = signals(dir);
    String[] args = {
      "backtest",
      "--signals",
      file.toString(),
      "--cutoffs",
      "2026-01-05..2026-01-19/P7D",
      "--horizon",
      "P7D",
      "--model",
      "defaults",
      "--bootstrap",
      "50",
      "--out",
      dir.resolve("out").toString(),
      "--fit"
    };
    String bad = run(append(args, "future"));
    assertThat(bad).startsWith("2:").contains("must be 'past' or 'outside-window', got 'future'");
    assertThat(run(append(args, "outside-window"))).startsWith("0:");
    JsonNode r = Contracts.mapper().readTree(dir.resolve("out/report.json").toFile());
    assertThat(r.get("fit").asText()).isEqualTo("outside-window");
  }

  @Test
  void everyCommandsHelpRendersWithoutFormatWarnings() {
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      for (String command : List.of("backtest", "calibrate", "simulate")) {
        assertThat(run(command, "--help")).startsWith("0:").contains("Usage:");
      }
    } finally {
      System.setErr(stderr);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("WARN");
  }

  private static String[] append(String[] args, String last) {
    String[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = last;
    return all;
  }

  /** Fits at {@code UNTIL} with a 7-day click window. */
  private static Backtest.Fitted fitWeek(SignalHistory h, ModelConfig cfg, Backtest.Fit fit) {
    return Backtest.fit(h, UNTIL, Duration.ofDays(7), Set.of(SignalType.CLICK), cfg, fit);
  }

  private static ModelConfig cfg() {
    return ModelConfig.defaults();
  }

  @Test
  void poolsAllRecipientWindowsWithIntervalsAndThePairedDifference(@TempDir Path dir)
      throws Exception {
    Path file = signals(dir);
    String out =
        run(
            "backtest",
            "--signals",
            file.toString(),
            "--cutoffs",
            "2026-01-05..2026-02-16/P7D",
            "--horizon",
            "P7D",
            "--model",
            "defaults",
            "--bootstrap",
            "200",
            "--decide-all",
            "--out",
            dir.resolve("out").toString());
    assertThat(out).startsWith("0:").contains("engine - ");
    JsonNode r = Contracts.mapper().readTree(dir.resolve("out/report.json").toFile());
    assertThat(r.at("/cutoffs/count").asInt()).isEqualTo(7);
    assertThat(r.get("per_cutoff")).hasSize(7);
    assertThat(r.get("configuration").asText()).startsWith("pinned: defaults");
    assertThat(r.get("fit").asText()).isEqualTo("past");
    long windows = r.get("recipient_windows").asLong();
    assertThat(windows).isGreaterThan(7 * 20);
    for (String p : Policies.ALL) {
      JsonNode m = r.at("/policies/" + p);
      for (String metric : List.of("hit_rate_30m", "hit_rate_60m", "log_likelihood_gain_bits")) {
        double est = m.at("/" + metric + "/estimate").asDouble();
        assertThat(m.at("/" + metric + "/low").asDouble()).as(p + metric).isLessThanOrEqualTo(est);
        assertThat(m.at("/" + metric + "/high").asDouble())
            .as(p + metric)
            .isGreaterThanOrEqualTo(est);
      }
      assertThat(m.get("recipient_windows").asLong()).isEqualTo(windows);
    }
    // A rigid weekday habit: the engine beats the random minute by far, on every resample.
    JsonNode d = r.get("engine_minus_best_baseline_log_likelihood_gain_bits");
    assertThat(d.get("best_baseline").asText()).isIn(Policies.BASELINES);
    assertThat(r.at("/policies/engine/hit_rate_60m/low").asDouble())
        .isGreaterThan(r.at("/policies/uniform_random/hit_rate_60m/high").asDouble());
    // Batch scoring: a decision per recipient with history and cutoff, evaluated or not.
    List<String> decisions = Files.readAllLines(dir.resolve("out/decisions.jsonl"));
    assertThat(decisions).hasSize(7 * 31);
    long quiet =
        decisions.stream()
            .filter(l -> l.contains("\"quiet\""))
            .peek(l -> assertThat(l).contains("\"evaluated\":false").contains("\"cutoff\""))
            .count();
    assertThat(quiet).isEqualTo(7);
    assertThat(r.get("decisions_written").asLong()).isEqualTo(7 * 31);
  }

  @Test
  void calibratesEachCutoffByDefault(@TempDir Path dir) throws Exception {
    Path file = signals(dir);
    String out =
        run(
            "backtest",
            "--signals",
            file.toString(),
            "--cutoffs",
            "2026-02-09..2026-02-16/P7D",
            "--horizon",
            "P7D",
            "--bootstrap",
            "50",
            "--out",
            dir.resolve("out").toString());
    assertThat(out).startsWith("0:").contains("calibrate: 2026-02-09T00:00:00Z ->");
    JsonNode r = Contracts.mapper().readTree(dir.resolve("out/report.json").toFile());
    assertThat(r.get("configuration").asText()).startsWith("calibrated");
    assertThat(r.at("/per_cutoff/0/calibration_seconds").isNumber()).isTrue();
    assertThat(r.at("/per_cutoff/1/model/half_life").asText()).startsWith("P");
  }

  @Test
  void calibrateWritesAModelThatBacktestCanPin(@TempDir Path dir) throws Exception {
    Path file = signals(dir);
    Path model = dir.resolve("model.json");
    assertThat(
            run(
                "calibrate",
                "--signals",
                file.toString(),
                "--until",
                "2026-02-16T00:00:00Z",
                "--folds",
                "3",
                "--out",
                model.toString()))
        .startsWith("0:");
    JsonNode m = Contracts.mapper().readTree(model.toFile());
    assertThat(m.get("format").asText()).isEqualTo("sendflowr-timing-model");
    assertThat(m.get("evidence").size()).isGreaterThan(3);
    assertThat(m.get("population_prior").asText()).isNotEmpty();
    String out =
        run(
            "backtest",
            "--signals",
            file.toString(),
            "--cutoff",
            "2026-02-16T00:00:00Z",
            "--horizon",
            "P7D",
            "--model",
            model.toString(),
            "--out",
            dir.resolve("bt").toString());
    assertThat(out).startsWith("0:");
    JsonNode r = Contracts.mapper().readTree(dir.resolve("bt/report.json").toFile());
    assertThat(r.get("configuration").asText()).contains(model.toString());
    assertThat(r.at("/model/half_life").asText()).isEqualTo(m.at("/config/half_life").asText());
  }

  @Test
  void badRollingArgumentsExitWithTwo(@TempDir Path dir) throws Exception {
    Path file = signals(dir);
    String[] base = {"backtest", "--signals", file.toString(), "--horizon", "P7D", "--out", "x"};
    assertThat(run(concat(base, "--cutoffs", "2026-01-05/P7D"))).startsWith("2:");
    assertThat(run(concat(base, "--cutoffs", "2026-02-05..2026-01-05/P7D")))
        .startsWith("2:")
        .contains("TO is before FROM");
    assertThat(run(concat(base, "--cutoffs", "2026-01-05..2026-02-05/PT1M"))).startsWith("2:");
    assertThat(
            run(
                concat(
                    base,
                    "--cutoffs",
                    "2026-01-05..2026-02-05/P7D",
                    "--cutoff",
                    "2026-01-05T00:00:00Z")))
        .startsWith("2:")
        .contains("exactly one");
    assertThat(run(concat(base, "--cutoff", "2026-01-05T00:00:00Z", "--model", "/nonexistent")))
        .startsWith("2:")
        .contains("--model");
    assertThat(run("calibrate", "--signals", file.toString(), "--out", "x"))
        .startsWith("2:")
        .contains("--until");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
