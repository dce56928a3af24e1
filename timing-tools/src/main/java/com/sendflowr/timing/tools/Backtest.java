package com.sendflowr.timing.tools;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.model.CalibratedModel;
import com.sendflowr.timing.model.ContextWeights;
import com.sendflowr.timing.model.DecisionRequest;
import com.sendflowr.timing.model.EngagementCurve;
import com.sendflowr.timing.model.IntentPolicy;
import com.sendflowr.timing.model.LatencyModel;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.PopulationPrior;
import com.sendflowr.timing.model.RecipientState;
import com.sendflowr.timing.model.TimingChoice;
import com.sendflowr.timing.model.TimingEngine;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replays a JSONL signal file at one or many cutoffs (rolling origin): at each cutoff it fits every
 * recipient on the events strictly before it, decides a target instant in [cutoff, cutoff +
 * horizon) for every recipient with an evaluation event there (or, with {@code decideAll}, with
 * history), and scores the engine against the baselines on those events.
 *
 * <p>The file is read once into compact per-recipient event arrays ({@link SignalHistory}); each
 * cutoff's fit keeps per recipient only the compact state, an hour histogram for the legacy
 * baseline, recent context and the evaluation-window event times.
 */
final class Backtest {

  /** How the model configuration of each cutoff is chosen. */
  sealed interface Configuration {
    /** The same configuration at every cutoff. */
    record Pinned(ModelConfig config, String source) implements Configuration {}

    /** Calibrated at every cutoff from the events before it. */
    record Calibrated(Calibrator.Options options) implements Configuration {}
  }

  /** Which of a recipient's events each cutoff fits. */
  enum Fit {
    /** Only the events before the cutoff: a forecast, what the product can do. */
    PAST,
    /**
     * Every event outside the evaluation window, the ones after it included: not a forecast but a
     * reference for how far the model could go with about twice the history and the future known.
     * An event after the window weighs what an event as far before the cutoff would.
     */
    OUTSIDE_WINDOW;

    String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  record Options(
      Path signals,
      List<Instant> cutoffs,
      Duration horizon,
      Set<SignalType> evalTypes,
      Path out,
      Configuration configuration,
      long seed,
      long progressEvery,
      boolean decideAll,
      int bootstrap,
      Fit fit) {
    Options {
      cutoffs = List.copyOf(cutoffs);
      if (cutoffs.isEmpty()) {
        throw new UsageException("no cutoff");
      }
    }

    boolean rolling() {
      return cutoffs.size() > 1;
    }
  }

  /** What is kept per recipient for one cutoff. */
  static final class Recipient {
    RecipientState state;
    HourHistogram histogram;
    ContextWeights context = ContextWeights.none();
    long[] eval = new long[0];
    int evalCount;

    void addEval(long epochSecond) {
      if (evalCount == eval.length) {
        eval = Arrays.copyOf(eval, Math.max(4, eval.length * 2));
      }
      eval[evalCount++] = epochSecond;
    }
  }

  /** The per-recipient data and population statistics of one cutoff. */
  static final class Fitted {
    final Recipient[] recipients;
    final HourHistogram global = new HourHistogram();
    long fitEvents;
    long evalEvents;
    long ignored;

    Fitted(int n) {
      recipients = new Recipient[n];
    }
  }

  private final Options o;
  private final PrintStream log;

  Backtest(Options o, PrintStream log) {
    this.o = o;
    this.log = log;
  }

  /**
   * Fits every recipient of {@code h} on its events before {@code cutoff}: engagement types update
   * the state with their weights and the hour histogram; context types of the last seven days
   * become context at the cutoff; evaluation types in [cutoff, cutoff + horizon) are the ground
   * truth and never fit anything. With {@link Fit#OUTSIDE_WINDOW} the engagement events after the
   * window fit the state and the histograms too (see {@link #fitAfterWindow}).
   */
  static Fitted fit(
      SignalHistory h,
      Instant cutoff,
      Duration horizon,
      Set<SignalType> evalTypes,
      ModelConfig cfg,
      Fit fit) {
    Fitted f = new Fitted(h.recipients());
    long c = cutoff.toEpochMilli();
    long end = cutoff.plus(horizon).toEpochMilli();
    long contextFrom = cutoff.minus(Duration.ofDays(7)).toEpochMilli();
    for (int r = 0; r < h.recipients(); r++) {
      long[] ts = h.times(r);
      Recipient rec = null;
      for (int i = 0; i < ts.length && ts[i] < end; i++) {
        SignalType type = h.type(r, i);
        Instant t = Instant.ofEpochMilli(ts[i]);
        if (ts[i] < c) {
          boolean used = false;
          if (type.category() == SignalType.Category.ENGAGEMENT) {
            rec = rec == null ? new Recipient() : rec;
            if (rec.histogram == null) {
              rec.histogram = new HourHistogram();
            }
            rec.histogram.add(t);
            f.global.add(t);
            if (cfg.weightOf(type) > 0) {
              if (rec.state == null) {
                rec.state = new RecipientState();
              }
              rec.state.update(type, t, cfg);
            }
            used = true;
          }
          // Only context that can still be active at the cutoff matters.
          if (cfg.context().ruleFor(type.wire()).isPresent() && ts[i] > contextFrom) {
            rec = rec == null ? new Recipient() : rec;
            rec.context = rec.context.apply(type.wire(), t, cfg.context()).pruned(cutoff);
            used = true;
          }
          if (used) {
            f.fitEvents++;
          } else {
            f.ignored++;
          }
        } else if (evalTypes.contains(type)) {
          rec = rec == null ? new Recipient() : rec;
          rec.addEval(t.getEpochSecond());
          f.evalEvents++;
        } else {
          f.ignored++;
        }
      }
      if (fit == Fit.OUTSIDE_WINDOW) {
        rec = fitAfterWindow(h, r, c, end, cfg, rec, f);
      }
      f.recipients[r] = rec;
    }
    return f;
  }

  /**
   * Adds recipient {@code r}'s engagement events at or after {@code end} (the window's end) to its
   * fit. The state decays by time, so each is added at its mirror image before the cutoff ({@code c
   * - (t - end)}) with its own minute of the week: an event a day after the window counts like one
   * a day before the cutoff. Bursts are de-duplicated among these events in time order, as the
   * state does for the past ones.
   */
  private static Recipient fitAfterWindow(
      SignalHistory h, int r, long c, long end, ModelConfig cfg, Recipient rec, Fitted f) {
    long[] ts = h.times(r);
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < ts.length; i++) {
      SignalType type = h.type(r, i);
      if (ts[i] < end || type.category() != SignalType.Category.ENGAGEMENT) {
        continue;
      }
      Instant t = Instant.ofEpochMilli(ts[i]);
      rec = rec == null ? new Recipient() : rec;
      if (rec.histogram == null) {
        rec.histogram = new HourHistogram();
      }
      rec.histogram.add(t);
      f.global.add(t);
      f.fitEvents++;
      double w = cfg.weightOf(type);
      if (w <= 0) {
        continue;
      }
      if (cfg.burstMinutes() > 0 && previous != Long.MIN_VALUE) {
        w = RecipientState.burstWeight(w, (ts[i] - previous) / 60_000.0, cfg.burstMinutes());
      }
      previous = ts[i];
      if (w > 0) {
        if (rec.state == null) {
          rec.state = new RecipientState();
        }
        long mirrored = Math.floorDiv(c - (ts[i] - end), 1000L) - 1;
        rec.state.update(w, mirrored, MinuteOfWeek.fractionalOf(t), cfg.halfLife());
      }
    }
    return rec;
  }

  /** One recipient's decision line in decisions.jsonl ({@code cutoff} only when rolling). */
  @com.fasterxml.jackson.annotation.JsonInclude(
      com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  record DecisionLine(
      String universalId,
      Instant cutoff,
      Instant targetTimestampUtc,
      int targetMinuteUtc,
      double confidenceScore,
      String policy,
      Boolean evaluated) {}

  /** Engine statistics of one cutoff (or pooled over all). */
  static final class EngineStats {
    long decided;
    long evaluated;
    long withHistory;
    long suppressed;
    long fallback;
    double confidenceSum;
    final long[] confidenceDeciles = new long[10];
    long priorMembers;
    int priorCohorts;

    void addAll(EngineStats s) {
      decided += s.decided;
      evaluated += s.evaluated;
      withHistory += s.withHistory;
      suppressed += s.suppressed;
      fallback += s.fallback;
      confidenceSum += s.confidenceSum;
      for (int i = 0; i < 10; i++) {
        confidenceDeciles[i] += s.confidenceDeciles[i];
      }
    }
  }

  /**
   * Decides and scores one cutoff: learns the prior from the fitted recipients, then for every
   * recipient with evaluation events (and, with {@code decideAll}, every one with history) decides
   * for the window and, when it has evaluation events, scores every policy.
   */
  static EngineStats score(
      SignalHistory h,
      Fitted f,
      int cutoffIndex,
      Instant cutoff,
      Duration horizon,
      ModelConfig cfg,
      long seed,
      boolean decideAll,
      boolean writeCutoff,
      WindowScores scores,
      BufferedWriter decisions)
      throws IOException {
    PopulationPrior.Builder pb = PopulationPrior.builder(cfg);
    // In id order, so the learned cohorts do not depend on the file order.
    for (Recipient r : f.recipients) {
      if (r != null && r.state != null) {
        r.state.decayTo(cutoff, cfg.halfLife());
        pb.add(r.state);
      }
    }
    PopulationPrior prior = pb.build();
    TimingEngine engine = new TimingEngine(cfg, prior);
    // The population average, also when the prior has cohorts: the baseline keeps its meaning.
    EngagementCurve priorCurve = EngagementCurve.ofPrior(prior.populationOnly(), cfg);
    Instant from = cutoff;
    Instant to = cutoff.plus(horizon).minusSeconds(1);
    LatencyModel noLatency =
        LatencyModel.fixed(Duration.ZERO, "backtest scores the arrival minute itself");
    IntentPolicy policy = IntentPolicy.defaults("backtest");
    EngineStats stats = new EngineStats();
    stats.priorMembers = prior.members();
    stats.priorCohorts = prior.cohortCount();
    int np = Policies.ALL.size();
    for (int ri = 0; ri < f.recipients.length; ri++) {
      Recipient r = f.recipients[ri];
      if (r == null) {
        continue;
      }
      boolean evaluated = r.evalCount > 0;
      if (!evaluated && !(decideAll && r.state != null)) {
        continue;
      }
      String id = h.id(ri);
      DecisionRequest req =
          new DecisionRequest(
              id, "backtest", from, from, to, r.state, r.context, noLatency, policy);
      TimingChoice c = engine.decide(req);
      stats.decided++;
      if (!c.scheduled()) {
        stats.suppressed++;
        continue;
      }
      decisions.write(
          Contracts.toJson(
              new DecisionLine(
                  id,
                  writeCutoff ? cutoff : null,
                  c.target(),
                  c.targetMinute(),
                  PolicyMetrics.round(c.confidenceScore()),
                  c.explanation().policy(),
                  decideAll ? evaluated : null)));
      decisions.newLine();
      if (!evaluated) {
        continue;
      }
      stats.evaluated++;
      if (r.state != null) {
        stats.withHistory++;
      }
      if (c.fallback()) {
        stats.fallback++;
      }
      stats.confidenceSum += c.confidenceScore();
      stats.confidenceDeciles[Math.min(9, (int) (c.confidenceScore() * 10))]++;

      EngagementCurve curve = engine.curveAt(r.state, from);
      HourHistogram own = r.histogram != null && r.histogram.total() > 0 ? r.histogram : f.global;
      double[] ll = new double[np];
      for (int i = 0; i < r.evalCount; i++) {
        double minute = MinuteOfWeek.fractionalOf(Instant.ofEpochSecond(r.eval[i]));
        ll[Policies.ALL.indexOf(Policies.ENGINE)] += curve.logLiftBits(minute);
        ll[Policies.ALL.indexOf(Policies.POPULATION_PRIOR)] += priorCurve.logLiftBits(minute);
        ll[Policies.ALL.indexOf(Policies.HOURLY_HISTOGRAM)] += own.logLiftBits((int) minute);
        ll[Policies.ALL.indexOf(Policies.GLOBAL_BEST_HOUR)] += f.global.logLiftBits((int) minute);
      }
      float[] d = new float[np];
      d[Policies.ALL.indexOf(Policies.ENGINE)] = near(c.target(), r);
      d[Policies.ALL.indexOf(Policies.POPULATION_PRIOR)] =
          near(Policies.populationPrior(engine, req).target(), r);
      d[Policies.ALL.indexOf(Policies.HOURLY_HISTOGRAM)] =
          near(Policies.hourlyHistogram(r.histogram, f.global, from, to), r);
      d[Policies.ALL.indexOf(Policies.GLOBAL_BEST_HOUR)] =
          near(Policies.globalBestHour(f.global, from, to), r);
      d[Policies.ALL.indexOf(Policies.UNIFORM_RANDOM)] =
          near(Policies.uniformRandom(id, seed, from, to), r);
      scores.add(new WindowScores.Window(ri, cutoffIndex, d, ll, r.evalCount));
    }
    return stats;
  }

  private static float near(Instant chosen, Recipient r) {
    return PolicyMetrics.nearestMinutes(chosen, r.eval, r.evalCount);
  }

  /** The typed report of a backtest (single or rolling); serialised in snake_case. */
  record Report(
      String command,
      String signals,
      String cutoff,
      CutoffRange cutoffs,
      String horizon,
      List<String> evalTypes,
      String configuration,
      String fit,
      ModelSummary model,
      Input input,
      long recipientsEvaluated,
      long recipientWindows,
      long recipientsWithHistory,
      long recipientsSuppressedWholeWindow,
      long decisionsWritten,
      double engineFallbackShare,
      double engineMeanConfidence,
      long[] engineConfidenceDeciles,
      Map<String, PolicyScores> policies,
      Beats engineBeatsAllBaselines,
      @JsonProperty("engine_minus_best_baseline_hit_rate_60m")
          WindowScores.PairedDifference engineMinusBestBaselineHitRate60m,
      WindowScores.PairedDifference engineMinusBestBaselineLogLikelihoodGainBits,
      Integer bootstrapResamples,
      List<CutoffSummary> perCutoff,
      double elapsedSeconds) {}

  /** A policy's scores in a report: single-cutoff metrics, or pooled ones with intervals. */
  sealed interface PolicyScores permits PolicyMetrics.Report, WindowScores.PooledPolicy {}

  record CutoffRange(String from, String to, String step, int count) {
    /** {@code FROM..TO/STEP}: instants or dates (midnight UTC), TO inclusive, STEP a duration. */
    static List<Instant> parse(String spec) {
      int dots = spec.indexOf("..");
      int slash = spec.lastIndexOf('/');
      if (dots < 0 || slash < dots) {
        throw new UsageException("--cutoffs must look like FROM..TO/STEP, got '" + spec + "'");
      }
      Instant from = instant(spec.substring(0, dots));
      Instant to = instant(spec.substring(dots + 2, slash));
      Duration step;
      try {
        step = Duration.parse(spec.substring(slash + 1));
      } catch (java.time.format.DateTimeParseException e) {
        throw new UsageException("--cutoffs: STEP must be a duration like P14D");
      }
      if (step.compareTo(Duration.ofHours(1)) < 0) {
        throw new UsageException("--cutoffs: STEP must be at least PT1H");
      }
      if (to.isBefore(from)) {
        throw new UsageException("--cutoffs: TO is before FROM");
      }
      List<Instant> out = new ArrayList<>();
      for (Instant t = from; !t.isAfter(to); t = t.plus(step)) {
        out.add(t);
        if (out.size() > 10_000) {
          throw new UsageException("--cutoffs: more than 10,000 cutoffs");
        }
      }
      return out;
    }

    private static Instant instant(String s) {
      try {
        return s.contains("T")
            ? Instant.parse(s)
            : java.time.LocalDate.parse(s).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
      } catch (java.time.format.DateTimeParseException e) {
        throw new UsageException("--cutoffs: '" + s + "' is neither an instant nor a date");
      }
    }
  }

  record Input(
      long lines,
      long accepted,
      Map<String, Long> rejected,
      long recipients,
      long fitEvents,
      long evaluationEvents,
      long ignoredEvents,
      long priorMembers,
      int priorCohorts) {}

  record Beats(@JsonProperty("hit_rate_60m") boolean hitRate60m, boolean logLikelihoodGainBits) {}

  /** One cutoff of a rolling run: its configuration and its windows' engine and baseline hits. */
  record CutoffSummary(
      String cutoff,
      long recipientWindows,
      @JsonProperty("engine_hit_rate_60m") double engineHitRate60m,
      @JsonProperty("hourly_histogram_hit_rate_60m") double hourlyHistogramHitRate60m,
      double engineLogLikelihoodGainBits,
      double hourlyHistogramLogLikelihoodGainBits,
      ModelSummary model,
      Double calibrationSeconds) {}

  /** The model configuration a report was produced with. */
  record ModelSummary(
      String modelVersion,
      String halfLife,
      double smoothingMinutes,
      double priorStrength,
      double dayOfWeekEvidence,
      double responseLeadMinutes,
      int cohorts,
      double cohortTemperature,
      double uniformMix,
      double burstMinutes,
      double spreadTolerance,
      Map<String, Double> signalWeights) {
    static ModelSummary of(ModelConfig cfg) {
      Map<String, Double> w = new TreeMap<>();
      new EnumMap<>(cfg.signalWeights()).forEach((k, v) -> w.put(k.wire(), v));
      return new ModelSummary(
          ModelConfig.MODEL_VERSION,
          CalibratedModel.text(cfg.halfLife()),
          cfg.smoothingMinutes(),
          cfg.priorStrength(),
          cfg.dayOfWeekEvidence(),
          cfg.responseLeadMinutes(),
          cfg.cohorts(),
          cfg.cohortTemperature(),
          cfg.uniformMix(),
          cfg.burstMinutes(),
          cfg.spreadTolerance(),
          w);
    }
  }

  Report run() throws IOException {
    long t0 = System.nanoTime();
    SignalHistory h = SignalHistory.load(o.signals(), "backtest", log, o.progressEvery());
    return run(h, t0);
  }

  Report run(SignalHistory h, long t0) throws IOException {
    Files.createDirectories(o.out());
    WindowScores scores = new WindowScores(Policies.ALL);
    EngineStats total = new EngineStats();
    List<CutoffSummary> perCutoff = new ArrayList<>();
    long fitEvents = 0;
    long evalEvents = 0;
    long ignored = 0;
    ModelConfig lastConfig = null;
    try (BufferedWriter out =
        Files.newBufferedWriter(o.out().resolve("decisions.jsonl"), StandardCharsets.UTF_8)) {
      for (int ci = 0; ci < o.cutoffs().size(); ci++) {
        Instant cutoff = o.cutoffs().get(ci);
        long tc = System.nanoTime();
        ModelConfig cfg = configFor(h, cutoff);
        Double calibrationSeconds =
            o.configuration() instanceof Configuration.Calibrated
                ? PolicyMetrics.round((System.nanoTime() - tc) / 1e9)
                : null;
        lastConfig = cfg;
        Fitted f = fit(h, cutoff, o.horizon(), o.evalTypes(), cfg, o.fit());
        int before = scores.windows().size();
        EngineStats s =
            score(
                h,
                f,
                ci,
                cutoff,
                o.horizon(),
                cfg,
                o.seed(),
                o.decideAll(),
                o.rolling(),
                scores,
                out);
        total.addAll(s);
        total.priorMembers = s.priorMembers;
        total.priorCohorts = s.priorCohorts;
        fitEvents += f.fitEvents;
        evalEvents += f.evalEvents;
        ignored += f.ignored;
        perCutoff.add(cutoffSummary(cutoff, scores, before, cfg, calibrationSeconds));
        if (o.rolling()) {
          CutoffSummary cs = perCutoff.get(perCutoff.size() - 1);
          log.printf(
              "backtest: cutoff %s: %d windows, engine hit@60 %.3f vs hourly %.3f%s%n",
              cutoff,
              cs.recipientWindows(),
              cs.engineHitRate60m(),
              cs.hourlyHistogramHitRate60m(),
              calibrationSeconds == null
                  ? ""
                  : String.format(" (calibrated in %.1f s)", calibrationSeconds));
        }
      }
    }
    int engine = Policies.ALL.indexOf(Policies.ENGINE);
    List<Integer> baselines = Policies.BASELINES.stream().map(Policies.ALL::indexOf).toList();
    WindowScores.Pooled pooled = scores.pool(engine, baselines, o.bootstrap(), o.seed());
    Map<String, PolicyMetrics> metrics = new LinkedHashMap<>();
    for (int p = 0; p < Policies.ALL.size(); p++) {
      metrics.put(Policies.ALL.get(p), scores.metrics(p));
    }
    SignalHistory.InputStats in = h.stats();
    Input input =
        new Input(
            in.lines(),
            in.accepted(),
            new TreeMap<>(in.rejected()),
            h.recipients(),
            fitEvents,
            evalEvents,
            ignored + in.ignored(),
            total.priorMembers,
            total.priorCohorts);
    long evaluated = total.evaluated;
    boolean pinned = o.configuration() instanceof Configuration.Pinned;
    Map<String, PolicyScores> policies = new LinkedHashMap<>();
    if (o.rolling()) {
      policies.putAll(pooled.policies());
    } else {
      metrics.forEach((k, v) -> policies.put(k, v.report()));
    }
    Report report =
        new Report(
            "backtest",
            o.signals().toString(),
            o.rolling() ? null : o.cutoffs().get(0).toString(),
            o.rolling() ? range() : null,
            o.horizon().toString(),
            o.evalTypes().stream().map(SignalType::wire).toList(),
            pinned
                ? "pinned: " + ((Configuration.Pinned) o.configuration()).source()
                : "calibrated per cutoff on the events before it",
            o.fit().wire(),
            pinned || !o.rolling() ? ModelSummary.of(lastConfig) : null,
            input,
            o.rolling() ? pooled.recipients() : evaluated,
            scores.windows().size(),
            total.withHistory,
            total.suppressed,
            total.decided - total.suppressed,
            PolicyMetrics.round(share(total.fallback, evaluated)),
            PolicyMetrics.round(evaluated == 0 ? 0 : total.confidenceSum / evaluated),
            total.confidenceDeciles,
            policies,
            beats(metrics),
            pooled.engineMinusBestBaselineHitRate60m(),
            pooled.engineMinusBestBaselineLogLikelihoodGainBits(),
            o.bootstrap(),
            o.rolling() ? perCutoff : null,
            PolicyMetrics.round((System.nanoTime() - t0) / 1e9));
    Files.writeString(
        o.out().resolve("report.json"),
        Contracts.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
    Chart.write(
        o.out().resolve("report.png"),
        (o.rolling()
                ? "Backtest: " + o.cutoffs().size() + " cutoffs"
                : "Backtest: cutoff " + o.cutoffs().get(0))
            + ", horizon "
            + o.horizon()
            + ", "
            + scores.windows().size()
            + " recipient-windows",
        metrics);
    log.printf("backtest: done in %.1f s, report in %s%n", (System.nanoTime() - t0) / 1e9, o.out());
    return report;
  }

  private ModelConfig configFor(SignalHistory h, Instant cutoff) {
    if (o.configuration() instanceof Configuration.Pinned p) {
      return p.config();
    }
    Configuration.Calibrated c = (Configuration.Calibrated) o.configuration();
    return Calibrator.calibrate(h, cutoff, c.options()).config();
  }

  private CutoffRange range() {
    List<Instant> c = o.cutoffs();
    String step = Duration.between(c.get(0), c.get(1)).toString();
    return new CutoffRange(c.get(0).toString(), c.get(c.size() - 1).toString(), step, c.size());
  }

  private static CutoffSummary cutoffSummary(
      Instant cutoff, WindowScores scores, int from, ModelConfig cfg, Double seconds) {
    int e = Policies.ALL.indexOf(Policies.ENGINE);
    int hh = Policies.ALL.indexOf(Policies.HOURLY_HISTOGRAM);
    PolicyMetrics me = new PolicyMetrics();
    PolicyMetrics mh = new PolicyMetrics();
    List<WindowScores.Window> ws = scores.windows();
    for (int i = from; i < ws.size(); i++) {
      WindowScores.Window w = ws.get(i);
      me.addDistance(w.minutesToNearest()[e]);
      me.addLogLiftSum(w.logLiftBits()[e], w.events());
      mh.addDistance(w.minutesToNearest()[hh]);
      mh.addLogLiftSum(w.logLiftBits()[hh], w.events());
    }
    return new CutoffSummary(
        cutoff.toString(),
        ws.size() - from,
        PolicyMetrics.round(me.hitRate(60)),
        PolicyMetrics.round(mh.hitRate(60)),
        PolicyMetrics.round(me.logLikelihoodGainBits()),
        PolicyMetrics.round(mh.logLikelihoodGainBits()),
        ModelSummary.of(cfg),
        seconds);
  }

  static Beats beats(Map<String, PolicyMetrics> metrics) {
    PolicyMetrics e = metrics.get(Policies.ENGINE);
    boolean hit = true;
    boolean ll = true;
    for (String b : Policies.BASELINES) {
      PolicyMetrics m = metrics.get(b);
      hit &= e.hitRate(60) > m.hitRate(60);
      ll &= e.logLikelihoodGainBits() > m.logLikelihoodGainBits();
    }
    return new Beats(hit, ll);
  }

  private static double share(long n, long d) {
    return d == 0 ? 0 : (double) n / d;
  }
}
