package com.sendflowr.timing.tools;

import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.model.CalibratedModel;
import com.sendflowr.timing.model.DecisionRequest;
import com.sendflowr.timing.model.ModelConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command lines of timing-tools-cli.jar, parsed with picocli: one class per command, typed
 * options with converters, the model overrides shared as a mixin. Each command validates what
 * picocli cannot (ranges, files) and throws {@link UsageException}, reported like a parse error
 * (message, usage, exit code 2).
 */
final class Commands {
  private Commands() {}

  /** The streams a command reports to (stdout for results, stderr for progress). */
  record Streams(PrintStream out, PrintStream err) {}

  static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String v) {
      try {
        return Instant.parse(v);
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "must be an ISO-8601 instant like 2026-03-02T00:00:00Z, got '" + v + "'");
      }
    }
  }

  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String v) {
      try {
        Duration d = Duration.parse(v);
        if (d.isNegative() || d.isZero()) {
          throw new CommandLine.TypeConversionException("must be positive, got '" + v + "'");
        }
        return d;
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "must be an ISO-8601 duration like P7D or PT36H, got '" + v + "'");
      }
    }
  }

  /** Comma-separated signal types, each one of the known wire names. */
  static final class SignalTypesConverter implements CommandLine.ITypeConverter<Set<SignalType>> {
    @Override
    public Set<SignalType> convert(String v) {
      Set<SignalType> out = new LinkedHashSet<>();
      for (String s : v.split(",")) {
        String t = s.trim();
        if (!t.isEmpty()) {
          out.add(
              SignalType.fromWire(t)
                  .orElseThrow(
                      () ->
                          new CommandLine.TypeConversionException(
                              "unknown signal type '" + t + "'")));
        }
      }
      if (out.isEmpty()) {
        throw new CommandLine.TypeConversionException("names no signal type");
      }
      return Set.copyOf(out);
    }
  }

  /** {@code past} or {@code outside-window}. */
  static final class FitConverter implements CommandLine.ITypeConverter<Backtest.Fit> {
    @Override
    public Backtest.Fit convert(String v) {
      for (Backtest.Fit f : Backtest.Fit.values()) {
        if (f.wire().equals(v)) {
          return f;
        }
      }
      throw new CommandLine.TypeConversionException(
          "must be 'past' or 'outside-window', got '" + v + "'");
    }
  }

  static long range(String name, long v, long min, long max) {
    if (v < min || v > max) {
      throw new UsageException("--" + name + " must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  static double range(String name, double v, double min, double max) {
    if (!(v >= min && v <= max)) {
      throw new UsageException("--" + name + " must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  /**
   * The model overrides every command accepts: each one given replaces that field of the base
   * configuration (the defaults, or the file {@code --model} names).
   */
  static final class ModelOptions {
    @Option(
        names = "--model",
        paramLabel = "FILE|defaults",
        description =
            "pin the configuration: a file written by calibrate, or 'defaults' (backtest: without"
                + " it and without model overrides every cutoff is calibrated)")
    String model;

    @Option(
        names = "--half-life",
        converter = DurationConverter.class,
        description = "recency half-life of evidence, e.g. P21D")
    Duration halfLife;

    @Option(names = "--smoothing", description = "kernel width in minutes (>= 24.9)")
    Double smoothing;

    @Option(names = "--prior-strength", description = "pseudo-events of prior per curve")
    Double priorStrength;

    @Option(
        names = "--day-of-week-evidence",
        description = "evidence at which half the day-of-week detail is trusted")
    Double dayOfWeekEvidence;

    @Option(names = "--response-lead", description = "attention time tau in minutes")
    Double responseLead;

    @Option(names = "--cohorts", description = "cohorts the prior learns (0 = population only)")
    Integer cohorts;

    @Option(names = "--cohort-temperature", description = "beta of the cohort responsibilities")
    Double cohortTemperature;

    @Option(names = "--spread-tolerance", description = "shadow segmentation tolerance")
    Double spreadTolerance;

    @Option(
        names = "--burst-minutes",
        description = "burst de-duplication time constant in minutes (0 = off)")
    Double burstMinutes;

    @Option(names = "--uniform-mix", description = "flat share mixed into every curve")
    Double uniformMix;

    @Option(
        names = "--weights",
        paramLabel = "type=w,...",
        description = "evidence weight per signal type")
    String weights;

    /** Whether any override (not --model) was given. */
    boolean overrides() {
      return !arguments().isEmpty();
    }

    /** The base configuration {@code --model} names: a calibrated model file, or the defaults. */
    ModelConfig base() {
      if (model == null || model.equals("defaults")) {
        return ModelConfig.defaults();
      }
      try {
        return CalibratedModel.read(Path.of(model)).config();
      } catch (IOException | IllegalArgumentException e) {
        throw new UsageException("--model: " + e.getMessage());
      }
    }

    /** The base configuration with the overrides given applied. */
    ModelConfig config() {
      try {
        ModelConfig c = base();
        c = halfLife == null ? c : c.withHalfLife(halfLife);
        c = smoothing == null ? c : c.withSmoothingMinutes(smoothing);
        c = priorStrength == null ? c : c.withPriorStrength(priorStrength);
        c = dayOfWeekEvidence == null ? c : c.withDayOfWeekEvidence(dayOfWeekEvidence);
        c = responseLead == null ? c : c.withResponseLeadMinutes(responseLead);
        c = cohorts == null ? c : c.withCohorts(cohorts);
        c = cohortTemperature == null ? c : c.withCohortTemperature(cohortTemperature);
        c = spreadTolerance == null ? c : c.withSpreadTolerance(spreadTolerance);
        c = burstMinutes == null ? c : c.withBurstMinutes(burstMinutes);
        c = uniformMix == null ? c : c.withUniformMix(uniformMix);
        if (weights != null) {
          EnumMap<SignalType, Double> w = new EnumMap<>(c.signalWeights());
          for (String pair : weights.split(",")) {
            String[] kv = pair.split("=");
            if (kv.length != 2) {
              throw new UsageException("--weights wants type=weight pairs, got '" + pair + "'");
            }
            SignalType t =
                SignalType.fromWire(kv[0].trim())
                    .orElseThrow(
                        () -> new UsageException("--weights: unknown type '" + kv[0] + "'"));
            try {
              w.put(t, Double.parseDouble(kv[1].trim()));
            } catch (NumberFormatException e) {
              throw new UsageException("--weights: '" + kv[1] + "' is not a number");
            }
          }
          c = c.withSignalWeights(w);
        }
        return c;
      } catch (IllegalArgumentException e) {
        throw new UsageException("invalid model option: " + e.getMessage());
      }
    }

    /** The overrides given, as arguments, to repeat them in a printed command. */
    String arguments() {
      StringBuilder sb = new StringBuilder();
      append(sb, "half-life", halfLife == null ? null : CalibratedModel.text(halfLife));
      append(sb, "smoothing", smoothing);
      append(sb, "prior-strength", priorStrength);
      append(sb, "day-of-week-evidence", dayOfWeekEvidence);
      append(sb, "response-lead", responseLead);
      append(sb, "cohorts", cohorts);
      append(sb, "cohort-temperature", cohortTemperature);
      append(sb, "spread-tolerance", spreadTolerance);
      append(sb, "burst-minutes", burstMinutes);
      append(sb, "uniform-mix", uniformMix);
      append(sb, "weights", weights);
      return sb.toString();
    }

    private static void append(StringBuilder sb, String name, Object v) {
      if (v != null) {
        sb.append(" --").append(name).append(' ').append(v);
      }
    }
  }

  /** Shared plumbing: the streams, and usage errors reported against this command. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    Streams streams;

    static Path existingFile(String option, Path p) {
      if (!Files.isRegularFile(p)) {
        throw new UsageException("--" + option + ": no such file " + p);
      }
      return p;
    }
  }

  @Command(
      name = "backtest",
      mixinStandardHelpOptions = true,
      description = {
        "Replay a signal file at one cutoff or many (rolling origin): fit strictly before each"
            + " cutoff, decide for the horizon after it, score the engine against the baselines."
      })
  static final class BacktestCommand extends Base {
    @Option(
        names = "--signals",
        required = true,
        paramLabel = "FILE.jsonl",
        description = "canonical signals, one JSON object per line")
    Path signals;

    @Option(
        names = "--cutoff",
        converter = InstantConverter.class,
        description = "one cutoff: recipients are fitted on events strictly before it")
    Instant cutoff;

    @Option(
        names = "--cutoffs",
        paramLabel = "FROM..TO/STEP",
        description =
            "rolling origin: every cutoff from FROM to TO (inclusive) in steps of STEP, e.g."
                + " 2023-11-06..2026-08-03/P14D (dates are midnight UTC); the report pools all"
                + " recipient-windows")
    String cutoffs;

    @Option(
        names = "--horizon",
        required = true,
        converter = DurationConverter.class,
        description = "evaluation window after each cutoff (at most P28D), e.g. P7D")
    Duration horizon;

    @Option(
        names = "--eval-types",
        converter = SignalTypesConverter.class,
        paramLabel = "click,...",
        description = "signal types that count as engagement in the window (default: click)")
    Set<SignalType> evalTypes = Set.of(SignalType.CLICK);

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "directory for decisions.jsonl, report.json and report.png")
    Path out;

    @Option(
        names = "--decide-all",
        description =
            "decide for every recipient with history, not only those with evaluation events"
                + " (batch scoring); decisions say which were evaluated")
    boolean decideAll;

    @Option(
        names = "--bootstrap",
        description = "bootstrap resamples of recipients for the 95 %% intervals (default 1000)")
    int bootstrap = 1000;

    @Option(
        names = "--fit",
        paramLabel = "past|outside-window",
        converter = FitConverter.class,
        description =
            "what each cutoff fits: 'past' (default), the events before it, a forecast; or"
                + " 'outside-window', every event but the evaluation window's, the future"
                + " included: a reference for what the model could reach, not a forecast")
    Backtest.Fit fit = Backtest.Fit.PAST;

    @Option(
        names = "--seed",
        description = "seed of the uniform-random baseline and the bootstrap (default 1)")
    long seed = 1;

    @Option(
        names = "--calibration-sample",
        description = "recipients calibration looks at (default 20000)")
    int calibrationSample = 20_000;

    @Option(
        names = "--progress-every",
        description = "lines between progress reports on stderr (default 1000000)")
    long progressEvery = 1_000_000;

    @Mixin ModelOptions model = new ModelOptions();

    Backtest.Options options() {
      if ((cutoff == null) == (cutoffs == null)) {
        throw new UsageException("give exactly one of --cutoff and --cutoffs");
      }
      List<Instant> all = cutoff != null ? List.of(cutoff) : Backtest.CutoffRange.parse(cutoffs);
      if (horizon.compareTo(DecisionRequest.MAX_WINDOW) > 0) {
        throw new UsageException("--horizon must be at most P28D, got " + horizon);
      }
      existingFile("signals", signals);
      range("bootstrap", bootstrap, 10, 100_000);
      range("calibration-sample", calibrationSample, 100, 10_000_000);
      range("progress-every", progressEvery, 1, Long.MAX_VALUE);
      Backtest.Configuration configuration;
      if (model.model != null || model.overrides()) {
        String name = model.model == null ? "defaults" : model.model;
        configuration =
            new Backtest.Configuration.Pinned(
                model.config(), name + (model.overrides() ? " with" + model.arguments() : ""));
      } else {
        configuration =
            new Backtest.Configuration.Calibrated(
                Calibrator.Options.defaults()
                    .withSample(calibrationSample)
                    .withHorizon(horizon)
                    .withEvalTypes(evalTypes)
                    .withLog(streams.err()));
      }
      return new Backtest.Options(
          signals,
          all,
          horizon,
          evalTypes,
          out,
          configuration,
          seed,
          progressEvery,
          decideAll,
          bootstrap,
          fit);
    }

    @Override
    public Integer call() throws Exception {
      Backtest.Report r = new Backtest(options(), streams.err()).run();
      streams.out().println(TimingCli.summary(r));
      return 0;
    }
  }

  @Command(
      name = "calibrate",
      mixinStandardHelpOptions = true,
      description = {
        "Choose the model configuration from the signals before --until and write it, with the"
            + " evidence for each choice and the prior learned with it, as a versioned file."
      })
  static final class CalibrateCommandLine extends Base {
    @Option(
        names = "--signals",
        required = true,
        paramLabel = "FILE.jsonl",
        description = "canonical signals, one JSON object per line")
    Path signals;

    @Option(
        names = "--until",
        required = true,
        converter = InstantConverter.class,
        description = "only signals strictly before this instant are read")
    Instant until;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "model.json",
        description = "the calibrated model file (versioned JSON)")
    Path out;

    @Option(
        names = "--horizon",
        converter = DurationConverter.class,
        description = "length of each validation fold (default P7D)")
    Duration horizon = Duration.ofDays(7);

    @Option(
        names = "--eval-types",
        converter = SignalTypesConverter.class,
        paramLabel = "click,...",
        description = "signal types whose timing the folds score (default: click)")
    Set<SignalType> evalTypes = Set.of(SignalType.CLICK);

    @Option(
        names = "--sample",
        description = "recipients looked at, the same ones whatever the file order (default 20000)")
    int sample = 20_000;

    @Option(names = "--folds", description = "validation folds back from --until (default 8)")
    int folds = 8;

    @Option(
        names = "--no-prior",
        description = "do not store the population prior learned with the configuration")
    boolean noPrior;

    @Option(
        names = "--progress-every",
        description = "lines between progress reports on stderr (default 1000000)")
    long progressEvery = 1_000_000;

    CalibrateCommand.Options options() {
      existingFile("signals", signals);
      range("sample", sample, 100, 10_000_000);
      range("folds", folds, 1, 104);
      range("progress-every", progressEvery, 1, Long.MAX_VALUE);
      return new CalibrateCommand.Options(
          signals,
          until,
          out,
          Calibrator.Options.defaults()
              .withHorizon(horizon)
              .withEvalTypes(evalTypes)
              .withSample(sample)
              .withFolds(folds)
              .withLog(streams.err()),
          !noPrior,
          progressEvery);
    }

    @Override
    public Integer call() throws Exception {
      streams.out().print(CalibrateCommand.run(options(), streams.err()).toJson());
      return 0;
    }
  }

  @Command(
      name = "simulate",
      mixinStandardHelpOptions = true,
      description = {
        "Generate synthetic recipients and signals, score the engine and the baselines against an"
            + " oracle that knows each recipient's rhythm."
      })
  static final class SimulateCommand extends Base {
    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "directory for signals.jsonl and simulation.json")
    Path out;

    @Option(names = "--recipients", description = "synthetic recipients (default 5000)")
    long recipients = 5000;

    @Option(names = "--weeks", description = "weeks of history before the cutoff (default 8)")
    long weeks = 8;

    @Option(
        names = "--seed",
        description = "random seed; same seed, same signals and scores (default 42)")
    long seed = 42;

    @Option(
        names = "--sessions-per-week",
        description = "mean engagement sessions per recipient and week (default 3)")
    double sessionsPerWeek = 3;

    @Option(
        names = "--mpp-share",
        description = "share of recipients whose opens are Apple-MPP proxy opens (default 0.4)")
    double mppShare = 0.4;

    @Option(
        names = "--day-noise",
        description =
            "log-normal spread of one weekday's level around the weekday routine (default 0.1)")
    double dayNoise = 0.1;

    @Option(
        names = "--response-minutes",
        description =
            "attention window of the response model (default 20; 0 = the arrival minute only)")
    double responseMinutes = 20;

    @Option(
        names = "--drift-share",
        description = "share of recipients who change routine once (default 0.3)")
    double driftShare = 0.3;

    @Option(
        names = "--window-days",
        description = "decision window after the cutoff, 1..28 (default 7)")
    long windowDays = 7;

    @Option(
        names = "--start",
        converter = InstantConverter.class,
        description = "first simulated instant, a Monday 00:00 UTC (default 2026-01-05T00:00:00Z)")
    Instant start = Instant.parse("2026-01-05T00:00:00Z");

    @Option(
        names = "--reference-recipients",
        description =
            "score the posterior reference (what is achievable at all) on the first N recipients"
                + " (default 0 = off; ~0.05 s per recipient and core)")
    long referenceRecipients = 0;

    @Option(
        names = "--reference-iterations",
        description = "MCMC steps per recipient for the reference (default 20000)")
    long referenceIterations = 20_000;

    @Option(
        names = "--calibrate",
        description =
            "calibrate the engine on the simulated signals before the cutoff (as backtest does by"
                + " default) instead of using --model (default: the defaults)")
    boolean calibrate;

    @Mixin ModelOptions model = new ModelOptions();

    Simulator.Options options() {
      if (!MinuteOfWeek.weekStart(start).equals(start)) {
        throw new UsageException("--start must be a Monday 00:00 UTC, got " + start);
      }
      return new Simulator.Options(
          out,
          (int) range("recipients", recipients, 1, 10_000_000),
          (int) range("weeks", weeks, 1, 520),
          seed,
          range("sessions-per-week", sessionsPerWeek, 0.1, 100),
          range("mpp-share", mppShare, 0, 1),
          range("day-noise", dayNoise, 0, 3),
          range("response-minutes", responseMinutes, 0, 1440),
          range("drift-share", driftShare, 0, 1),
          (int) range("window-days", windowDays, 1, 28),
          start,
          (int) range("reference-recipients", referenceRecipients, 0, 1_000_000),
          (int) range("reference-iterations", referenceIterations, 100, 10_000_000),
          model.config(),
          // The same configuration for the printed backtest command (which calibrates unless told).
          calibrate
              ? ""
              : " --model " + (model.model == null ? "defaults" : model.model) + model.arguments(),
          calibrate);
    }

    @Override
    public Integer call() throws Exception {
      Simulator.Report r = new Simulator(options(), streams.err()).run();
      streams.out().println(Simulator.summary(r));
      return 0;
    }
  }
}
