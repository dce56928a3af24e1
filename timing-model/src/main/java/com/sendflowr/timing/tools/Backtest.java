package com.sendflowr.timing.tools;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.contract.Parsed;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.SignalType;
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
import java.io.BufferedReader;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replays a JSONL signal file: fits every recipient on the events before the cutoff, decides a
 * target instant in [cutoff, cutoff + horizon) for every recipient with an evaluation event there,
 * and scores the engine against the baselines on those events.
 *
 * <p>The file is streamed once; per recipient only the compact state, an hour histogram for the
 * legacy baseline and the evaluation-window event times are kept.
 */
final class Backtest {

  static final String USAGE =
      """
      Usage: backtest --signals FILE.jsonl --cutoff ISO_INSTANT --horizon ISO_DURATION --out DIR
                      [--eval-types click,...] [--seed N] [--progress-every N]
                      [--half-life P21D] [--smoothing MINUTES] [--prior-strength N]
                      [--day-of-week-evidence N] [--response-lead MINUTES]
                      [--cohorts K] [--cohort-temperature BETA]
                      [--spread-tolerance F] [--weights type=w,...]

        --signals        canonical signals, one JSON object per line (event_id, event_type,
                         occurred_at, universal_id or identity_keys, ...)
        --cutoff         recipients are fitted on events strictly before this instant
        --horizon        evaluation window length after the cutoff (at most P28D), e.g. P7D
        --eval-types     signal types that count as engagement in the window (default: click)
        --out            directory for decisions.jsonl, report.json and report.png
        --seed           seed of the uniform-random baseline (default 1)
        --progress-every lines between progress reports on stderr (default 1000000)
        model overrides  see docs/timing-model.md; defaults are the tuned values
      """;

  static final Set<String> OPTIONS =
      CliArgs.withModelOptions(
          "signals", "cutoff", "horizon", "eval-types", "out", "seed", "progress-every");

  record Options(
      Path signals,
      Instant cutoff,
      Duration horizon,
      Set<SignalType> evalTypes,
      Path out,
      ModelConfig config,
      long seed,
      long progressEvery) {}

  static Options parse(CliArgs a) {
    Path signals = a.path("signals");
    Instant cutoff = a.instant("cutoff");
    Duration horizon = a.duration("horizon", null);
    if (horizon == null) {
      throw new UsageException("missing required option --horizon");
    }
    if (horizon.compareTo(DecisionRequest.MAX_WINDOW) > 0) {
      throw new UsageException("--horizon must be at most P28D, got " + horizon);
    }
    Path out = a.path("out");
    if (!Files.isRegularFile(signals)) {
      throw new UsageException("--signals: no such file " + signals);
    }
    ModelConfig config = a.modelConfig();
    return new Options(
        signals,
        cutoff,
        horizon,
        a.signalTypes("eval-types", Set.of(SignalType.CLICK)),
        out,
        config,
        a.longValue("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE),
        a.longValue("progress-every", 1_000_000, 1, Long.MAX_VALUE));
  }

  /** What is kept per recipient while streaming. */
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

  /** The per-recipient data and population statistics after one pass over the input. */
  static final class Fitted {
    final Map<String, Recipient> recipients = new HashMap<>();
    final HourHistogram global = new HourHistogram();
    final Map<String, Long> rejected = new TreeMap<>();
    long lines;
    long accepted;
    long fitEvents;
    long evalEvents;
    long ignored;
  }

  private final Options o;
  private final PrintStream log;

  Backtest(Options o, PrintStream log) {
    this.o = o;
    this.log = log;
  }

  Map<String, Object> run() throws IOException {
    long t0 = System.nanoTime();
    Fitted f = new Fitted();
    try (BufferedReader in = Files.newBufferedReader(o.signals(), StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        f.lines++;
        if (!line.isBlank()) {
          ingest(f, line);
        }
        if (f.lines % o.progressEvery() == 0) {
          progress(f, t0);
        }
      }
    }
    progress(f, t0);
    Map<String, Object> report = evaluate(f, t0);
    log.printf("backtest: done in %.1f s, report in %s%n", (System.nanoTime() - t0) / 1e9, o.out());
    return report;
  }

  private void progress(Fitted f, long t0) {
    Runtime rt = Runtime.getRuntime();
    log.printf(
        "backtest: %,d lines, %,d recipients, %,d fit / %,d evaluation events, %.1f s, heap %,d"
            + " MB%n",
        f.lines,
        f.recipients.size(),
        f.fitEvents,
        f.evalEvents,
        (System.nanoTime() - t0) / 1e9,
        (rt.totalMemory() - rt.freeMemory()) >> 20);
  }

  void ingest(Fitted f, String line) {
    Parsed<Signal> p = Contracts.parseSignal(line);
    if (!p.isOk()) {
      Parsed.Rejected<Signal> r = (Parsed.Rejected<Signal>) p;
      long n = f.rejected.merge(r.reason().toString(), 1L, Long::sum);
      if (n <= 3) {
        log.printf("backtest: line %,d rejected (%s): %s%n", f.lines, r.reason(), r.detail());
      }
      return;
    }
    f.accepted++;
    Signal s = p.value();
    SignalType type = s.knownType().orElse(null);
    if (type == null) {
      f.ignored++;
      return;
    }
    Instant t = s.occurredAt();
    Instant end = o.cutoff().plus(o.horizon());
    ModelConfig cfg = o.config();
    if (t.isBefore(o.cutoff())) {
      Recipient r = f.recipients.computeIfAbsent(s.recipientKey(), k -> new Recipient());
      boolean used = false;
      if (type.category() == SignalType.Category.ENGAGEMENT) {
        if (r.histogram == null) {
          r.histogram = new HourHistogram();
        }
        r.histogram.add(t);
        f.global.add(t);
        if (cfg.weightOf(type) > 0) {
          if (r.state == null) {
            r.state = new RecipientState();
          }
          r.state.update(type, t, cfg);
        }
        used = true;
      }
      // Only context that can still be active at the cutoff matters; older context is dropped
      // so a long history cannot grow the per-recipient list.
      if (cfg.context().ruleFor(type.wire()).isPresent()
          && t.isAfter(o.cutoff().minus(Duration.ofDays(7)))) {
        r.context = r.context.apply(type.wire(), t, cfg.context()).pruned(o.cutoff());
        used = true;
      }
      if (used) {
        f.fitEvents++;
      } else {
        f.ignored++;
      }
    } else if (t.isBefore(end) && o.evalTypes().contains(type)) {
      f.recipients
          .computeIfAbsent(s.recipientKey(), k -> new Recipient())
          .addEval(t.getEpochSecond());
      f.evalEvents++;
    } else {
      f.ignored++;
    }
  }

  /** One recipient's decision line in decisions.jsonl. */
  record DecisionLine(
      String universalId,
      Instant targetTimestampUtc,
      int targetMinuteUtc,
      double confidenceScore,
      String policy) {}

  Map<String, Object> evaluate(Fitted f, long t0) throws IOException {
    ModelConfig cfg = o.config();
    PopulationPrior.Builder pb = PopulationPrior.builder(cfg);
    // Sorted, so the learned cohorts do not depend on hash-map order.
    for (String id : new java.util.TreeSet<>(f.recipients.keySet())) {
      Recipient r = f.recipients.get(id);
      if (r.state != null) {
        r.state.decayTo(o.cutoff(), cfg.halfLife());
        pb.add(r.state);
      }
    }
    PopulationPrior prior = pb.build();
    TimingEngine engine = new TimingEngine(cfg, prior);
    // The population average, also when the prior has cohorts: the baseline keeps its meaning.
    EngagementCurve priorCurve = EngagementCurve.ofPrior(prior.populationOnly(), cfg);
    Instant from = o.cutoff();
    Instant to = o.cutoff().plus(o.horizon()).minusSeconds(1);
    LatencyModel noLatency =
        LatencyModel.fixed(Duration.ZERO, "backtest scores the arrival minute itself");
    IntentPolicy policy = IntentPolicy.defaults("backtest");

    Map<String, PolicyMetrics> metrics = new LinkedHashMap<>();
    for (String p : Policies.ALL) {
      metrics.put(p, new PolicyMetrics());
    }
    List<String> ids = new ArrayList<>();
    for (Map.Entry<String, Recipient> e : f.recipients.entrySet()) {
      if (e.getValue().evalCount > 0) {
        ids.add(e.getKey());
      }
    }
    ids.sort(null);
    log.printf("backtest: deciding for %,d recipients with evaluation events%n", ids.size());
    Files.createDirectories(o.out());
    long suppressed = 0;
    long fallback = 0;
    long withHistory = 0;
    double confidenceSum = 0;
    long[] confidenceDeciles = new long[10];
    try (BufferedWriter out =
        Files.newBufferedWriter(o.out().resolve("decisions.jsonl"), StandardCharsets.UTF_8)) {
      for (String id : ids) {
        Recipient r = f.recipients.get(id);
        DecisionRequest req =
            new DecisionRequest(
                id, "backtest", from, from, to, r.state, r.context, noLatency, policy);
        TimingChoice c = engine.decide(req);
        if (!c.scheduled()) {
          suppressed++;
          continue;
        }
        if (r.state != null) {
          withHistory++;
        }
        if (c.fallback()) {
          fallback++;
        }
        confidenceSum += c.confidenceScore();
        confidenceDeciles[Math.min(9, (int) (c.confidenceScore() * 10))]++;
        out.write(
            Contracts.toJson(
                new DecisionLine(
                    id,
                    c.target(),
                    c.targetMinute(),
                    PolicyMetrics.round(c.confidenceScore()),
                    c.explanation().policy())));
        out.newLine();

        EngagementCurve curve = engine.curveAt(r.state, from);
        HourHistogram own = r.histogram != null && r.histogram.total() > 0 ? r.histogram : f.global;
        PolicyMetrics me = metrics.get(Policies.ENGINE);
        PolicyMetrics mp = metrics.get(Policies.POPULATION_PRIOR);
        PolicyMetrics mh = metrics.get(Policies.HOURLY_HISTOGRAM);
        PolicyMetrics mg = metrics.get(Policies.GLOBAL_BEST_HOUR);
        PolicyMetrics mu = metrics.get(Policies.UNIFORM_RANDOM);
        for (int i = 0; i < r.evalCount; i++) {
          Instant e = Instant.ofEpochSecond(r.eval[i]);
          double minute = MinuteOfWeek.fractionalOf(e);
          me.addLogLift(curve.logLiftBits(minute));
          mp.addLogLift(priorCurve.logLiftBits(minute));
          mh.addLogLift(own.logLiftBits((int) minute));
          mg.addLogLift(f.global.logLiftBits((int) minute));
          mu.addLogLift(0);
        }
        me.addChoice(c.target(), r.eval, r.evalCount);
        mp.addChoice(Policies.populationPrior(engine, req).target(), r.eval, r.evalCount);
        mh.addChoice(
            Policies.hourlyHistogram(r.histogram, f.global, from, to), r.eval, r.evalCount);
        mg.addChoice(Policies.globalBestHour(f.global, from, to), r.eval, r.evalCount);
        mu.addChoice(Policies.uniformRandom(id, o.seed(), from, to), r.eval, r.evalCount);
      }
    }

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("command", "backtest");
    report.put("signals", o.signals().toString());
    report.put("cutoff", o.cutoff().toString());
    report.put("horizon", o.horizon().toString());
    report.put("eval_types", o.evalTypes().stream().map(SignalType::wire).toList());
    report.put("model", modelSummary(cfg));
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("lines", f.lines);
    input.put("accepted", f.accepted);
    input.put("rejected", f.rejected);
    input.put("recipients", f.recipients.size());
    input.put("fit_events", f.fitEvents);
    input.put("evaluation_events", f.evalEvents);
    input.put("ignored_events", f.ignored);
    input.put("prior_members", prior.members());
    input.put("prior_cohorts", prior.cohortCount());
    report.put("input", input);
    long evaluated = metrics.get(Policies.ENGINE).recipients();
    report.put("recipients_evaluated", evaluated);
    report.put("recipients_with_history", withHistory);
    report.put("recipients_suppressed_whole_window", suppressed);
    report.put("engine_fallback_share", PolicyMetrics.round(share(fallback, evaluated)));
    report.put(
        "engine_mean_confidence",
        PolicyMetrics.round(evaluated == 0 ? 0 : confidenceSum / evaluated));
    report.put("engine_confidence_deciles", confidenceDeciles);
    Map<String, Object> policies = new LinkedHashMap<>();
    metrics.forEach((k, v) -> policies.put(k, v.toMap()));
    report.put("policies", policies);
    report.put("engine_beats_all_baselines", beats(metrics));
    report.put("elapsed_seconds", PolicyMetrics.round((System.nanoTime() - t0) / 1e9));
    Files.writeString(
        o.out().resolve("report.json"),
        Contracts.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
    Chart.write(
        o.out().resolve("report.png"),
        "Backtest: cutoff "
            + o.cutoff()
            + ", horizon "
            + o.horizon()
            + ", "
            + evaluated
            + " recipients",
        metrics);
    return report;
  }

  static Map<String, Object> beats(Map<String, PolicyMetrics> metrics) {
    PolicyMetrics e = metrics.get(Policies.ENGINE);
    boolean hit = true;
    boolean ll = true;
    for (String b : Policies.BASELINES) {
      PolicyMetrics m = metrics.get(b);
      hit &= e.hitRate(60) > m.hitRate(60);
      ll &= e.logLikelihoodGainBits() > m.logLikelihoodGainBits();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("hit_rate_60m", hit);
    out.put("log_likelihood_gain_bits", ll);
    return out;
  }

  static Map<String, Object> modelSummary(ModelConfig cfg) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model_version", ModelConfig.MODEL_VERSION);
    m.put("half_life", cfg.halfLife().toString());
    m.put("smoothing_minutes", cfg.smoothingMinutes());
    m.put("prior_strength", cfg.priorStrength());
    m.put("day_of_week_evidence", cfg.dayOfWeekEvidence());
    m.put("response_lead_minutes", cfg.responseLeadMinutes());
    m.put("cohorts", cfg.cohorts());
    m.put("cohort_temperature", cfg.cohortTemperature());
    m.put("uniform_mix", cfg.uniformMix());
    m.put("spread_tolerance", cfg.spreadTolerance());
    Map<String, Double> w = new TreeMap<>();
    new EnumMap<>(cfg.signalWeights()).forEach((k, v) -> w.put(k.wire(), v));
    m.put("signal_weights", w);
    return m;
  }

  private static double share(long n, long d) {
    return d == 0 ? 0 : (double) n / d;
  }
}
