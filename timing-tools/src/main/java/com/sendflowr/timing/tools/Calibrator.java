package com.sendflowr.timing.tools;

import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.model.CalibratedModel;
import com.sendflowr.timing.model.EngagementCurve;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.PopulationPrior;
import com.sendflowr.timing.model.RecipientState;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Chooses the model's hyperparameters from the signals before a cutoff, and nothing else.
 *
 * <p>Validation inside the history (rolling origin, like the backtest): fold j fits every sampled
 * recipient on the events before {@code until - (j + 1) * horizon} and scores the events of the
 * evaluation types in the horizon after it, all strictly before {@code until}. The score is the
 * mean log2 lift of those held-out events under the recipient's curve (a proper scoring rule,
 * pooled over folds); the backtest's hit rates are too noisy to tune on. Coordinate search over a
 * fixed grid per parameter, two rounds, cohorts last (their EM is the expensive part); ties keep
 * the earlier value, so the same input gives the same configuration.
 *
 * <p>Cost: only a sample of recipients is looked at (the {@code sample} with the smallest hash of
 * their id, so the sample does not depend on the file order), each fold's states are fitted once
 * per half-life and burst setting and every read-time parameter (smoothing, day-of-week pooling,
 * prior strength, uniform mix) reuses them.
 */
final class Calibrator {

  static final String CRITERION =
      "mean log2 lift of held-out events, validation folds before the cutoff";

  /**
   * @param sample recipients looked at (the rest are ignored)
   * @param folds validation folds (each one horizon long, back from the cutoff)
   * @param start the configuration the search starts from and keeps for uncalibrated fields
   */
  record Options(
      int sample,
      Duration horizon,
      Set<SignalType> evalTypes,
      int folds,
      ModelConfig start,
      PrintStream log) {
    static Options defaults() {
      return new Options(
          20_000, Duration.ofDays(7), Set.of(SignalType.CLICK), 8, ModelConfig.defaults(), null);
    }

    Options withSample(int n) {
      return new Options(n, horizon, evalTypes, folds, start, log);
    }

    Options withHorizon(Duration h) {
      return new Options(sample, h, evalTypes, folds, start, log);
    }

    Options withEvalTypes(Set<SignalType> t) {
      return new Options(sample, horizon, t, folds, start, log);
    }

    Options withFolds(int f) {
      return new Options(sample, horizon, evalTypes, f, start, log);
    }

    Options withLog(PrintStream p) {
      return new Options(sample, horizon, evalTypes, folds, start, p);
    }
  }

  /** One calibrated parameter: its candidate values and how to set one. */
  private record Parameter<T>(
      String name, List<T> values, Function<ModelConfig, T> get, Setter<T> set, boolean refit) {}

  private interface Setter<T> {
    ModelConfig apply(ModelConfig c, T v);
  }

  static final List<Duration> HALF_LIVES =
      List.of(
          Duration.ofDays(14),
          Duration.ofDays(30),
          Duration.ofDays(60),
          Duration.ofDays(90),
          Duration.ofDays(180),
          Duration.ofDays(365),
          Duration.ofDays(730),
          Duration.ofDays(1460));
  static final List<Double> BURSTS = List.of(0.0, 10.0, 30.0, 60.0, 120.0, 240.0, 480.0);
  static final List<Double> SMOOTHING = List.of(30.0, 45.0, 60.0, 90.0, 120.0);
  static final List<Double> DAY_OF_WEEK = List.of(3.0, 10.0, 30.0, 100.0, 300.0, 1000.0);
  static final List<Double> PRIOR_STRENGTH = List.of(1.0, 2.0, 5.0, 10.0, 20.0, 50.0);
  static final List<Double> UNIFORM_MIX = List.of(0.02, 0.05, 0.1, 0.2);
  static final List<Integer> COHORTS = List.of(0, 8, 16, 32, 64);

  /** Cohort counts need this many sampled recipients per cohort to be tried at all. */
  static final int RECIPIENTS_PER_COHORT = 20;

  private static final List<Parameter<?>> SEARCH =
      List.of(
          new Parameter<>(
              "half_life", HALF_LIVES, ModelConfig::halfLife, ModelConfig::withHalfLife, true),
          new Parameter<>(
              "burst_minutes",
              BURSTS,
              ModelConfig::burstMinutes,
              ModelConfig::withBurstMinutes,
              true),
          new Parameter<>(
              "smoothing_minutes",
              SMOOTHING,
              ModelConfig::smoothingMinutes,
              ModelConfig::withSmoothingMinutes,
              false),
          new Parameter<>(
              "day_of_week_evidence",
              DAY_OF_WEEK,
              ModelConfig::dayOfWeekEvidence,
              ModelConfig::withDayOfWeekEvidence,
              false),
          new Parameter<>(
              "prior_strength",
              PRIOR_STRENGTH,
              ModelConfig::priorStrength,
              ModelConfig::withPriorStrength,
              false),
          new Parameter<>(
              "uniform_mix",
              UNIFORM_MIX,
              ModelConfig::uniformMix,
              ModelConfig::withUniformMix,
              false));

  private static final Parameter<Integer> COHORT_PARAMETER =
      new Parameter<>("cohorts", COHORTS, ModelConfig::cohorts, ModelConfig::withCohorts, false);

  private Calibrator() {}

  /** Calibrates on the events of {@code h} strictly before {@code until}. */
  static CalibratedModel calibrate(SignalHistory h, Instant until, Options o) {
    SignalHistory past = h.before(until).sample(o.sample());
    List<Instant> folds = folds(past, until, o);
    Search s = new Search(past, folds, o);
    ModelConfig cfg = o.start().withCohorts(0);
    List<CalibratedModel.Evidence> evidence = new ArrayList<>();
    if (folds.isEmpty() || past.recipients() == 0) {
      log(
          o,
          "calibrate: no validation fold has history before it; keeping the start configuration");
      return new CalibratedModel(until, past.recipients(), o.start(), List.of(), null);
    }
    List<CalibratedModel.Evidence> last = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      last.clear();
      for (Parameter<?> p : SEARCH) {
        Step step = s.step(cfg, p);
        cfg = step.config();
        last.add(step.evidence());
      }
    }
    evidence.addAll(last);
    List<Integer> ks = new ArrayList<>();
    for (int k : COHORTS) {
      if (k == 0 || past.recipients() >= (long) RECIPIENTS_PER_COHORT * k) {
        ks.add(k);
      }
    }
    Step cohorts =
        s.step(
            cfg,
            new Parameter<>(
                COHORT_PARAMETER.name(),
                ks,
                COHORT_PARAMETER.get(),
                COHORT_PARAMETER.set(),
                false));
    cfg = cohorts.config();
    evidence.add(cohorts.evidence());
    log(
        o,
        String.format(
            "calibrate: %s -> half-life %d d, burst %.0f min, smoothing %.0f min, day-of-week %.0f,"
                + " prior strength %.0f, uniform mix %.2f, cohorts %d (%.4f bits/event, %d folds,"
                + " %d recipients)",
            until,
            cfg.halfLife().toDays(),
            cfg.burstMinutes(),
            cfg.smoothingMinutes(),
            cfg.dayOfWeekEvidence(),
            cfg.priorStrength(),
            cfg.uniformMix(),
            cfg.cohorts(),
            cohorts.best(),
            folds.size(),
            past.recipients()));
    return new CalibratedModel(until, past.recipients(), cfg, evidence, null);
  }

  private static void log(Options o, String msg) {
    if (o.log() != null) {
      o.log().println(msg);
    }
  }

  /**
   * Fold cutoffs {@code until - (j + 1) * horizon}, newest first, each with at least two horizons
   * of history before it.
   */
  static List<Instant> folds(SignalHistory past, Instant until, Options o) {
    long[] span = past.span();
    List<Instant> out = new ArrayList<>();
    if (span == null) {
      return out;
    }
    Instant first = Instant.ofEpochMilli(span[0]);
    for (int j = 0; j < o.folds(); j++) {
      Instant v = until.minus(o.horizon().multipliedBy(j + 1));
      if (v.isBefore(first.plus(o.horizon().multipliedBy(2)))) {
        break;
      }
      out.add(v);
    }
    return out;
  }

  /**
   * One validation fold: every sampled recipient's state at the fold cutoff, and its held-out
   * events.
   */
  private record Fold(RecipientState[] states, long[][] eval) {}

  /**
   * Fits all folds in one pass per recipient: the folds' histories are nested (each is a prefix of
   * the next newer one), so the state is updated once per event and copied at each fold cutoff,
   * instead of refitting the whole history per fold.
   */
  private static Fold[] fitFolds(SignalHistory h, List<Instant> folds, Options o, ModelConfig c) {
    int nf = folds.size();
    int n = h.recipients();
    Fold[] out = new Fold[nf];
    // Oldest fold first, so one forward pass over each recipient's events visits them in order.
    long[] cut = new long[nf];
    for (int j = 0; j < nf; j++) {
      out[j] = new Fold(new RecipientState[n], new long[n][]);
      cut[j] = folds.get(j).toEpochMilli();
    }
    Integer[] order = new Integer[nf];
    for (int j = 0; j < nf; j++) {
      order[j] = j;
    }
    java.util.Arrays.sort(order, (a, b) -> Long.compare(cut[a], cut[b]));
    long horizon = o.horizon().toMillis();
    for (int r = 0; r < n; r++) {
      long[] ts = h.times(r);
      RecipientState st = null;
      int i = 0;
      for (int q = 0; q < nf; q++) {
        int j = order[q];
        for (; i < ts.length && ts[i] < cut[j]; i++) {
          SignalType type = h.type(r, i);
          if (type.category() == SignalType.Category.ENGAGEMENT && c.weightOf(type) > 0) {
            st = st == null ? new RecipientState() : st;
            st.update(type, Instant.ofEpochMilli(ts[i]), c);
          }
        }
        if (st != null) {
          RecipientState snap = st.copy();
          snap.decayTo(folds.get(j), c.halfLife());
          out[j].states()[r] = snap;
        }
        int k = i;
        int cnt = 0;
        while (k < ts.length && ts[k] < cut[j] + horizon) {
          if (o.evalTypes().contains(h.type(r, k))) {
            cnt++;
          }
          k++;
        }
        if (cnt > 0) {
          long[] ev = new long[cnt];
          int m = 0;
          for (int x = i; x < k; x++) {
            if (o.evalTypes().contains(h.type(r, x))) {
              ev[m++] = ts[x];
            }
          }
          out[j].eval()[r] = ev;
        }
      }
    }
    return out;
  }

  private static String text(Object v) {
    return v instanceof Duration d ? CalibratedModel.text(d) : String.valueOf(v);
  }

  private record Step(ModelConfig config, CalibratedModel.Evidence evidence, double best) {}

  /** The validation folds and the fitted states of the current refit parameters. */
  private static final class Search {
    private final SignalHistory past;
    private final List<Instant> folds;
    private final Options o;
    private Fold[] fitted;
    private ModelConfig fittedFor;

    Search(SignalHistory past, List<Instant> folds, Options o) {
      this.past = past;
      this.folds = folds;
      this.o = o;
    }

    <T> Step step(ModelConfig cfg, Parameter<T> p) {
      T current = p.get().apply(cfg);
      List<CalibratedModel.Candidate> tried = new ArrayList<>();
      ModelConfig best = cfg;
      double bestScore = Double.NEGATIVE_INFINITY;
      List<T> values = new ArrayList<>(p.values());
      if (!values.contains(current)) {
        values.add(0, current);
      }
      for (T v : values) {
        ModelConfig c = p.set().apply(cfg, v);
        double[] score = score(c);
        tried.add(
            new CalibratedModel.Candidate(text(v), PolicyMetrics.round(score[0]), (long) score[1]));
        if (score[0] > bestScore + 1e-9) {
          bestScore = score[0];
          best = c;
        }
      }
      return new Step(
          best,
          new CalibratedModel.Evidence(p.name(), text(p.get().apply(best)), CRITERION, tried),
          bestScore);
    }

    /** {mean log2 lift per held-out event, events} of a configuration over all folds. */
    double[] score(ModelConfig c) {
      if (fitted == null || !sameFit(fittedFor, c)) {
        fitted = fitFolds(past, folds, o, c);
        fittedFor = c;
      }
      double bits = 0;
      long events = 0;
      for (int j = 0; j < folds.size(); j++) {
        Instant v = folds.get(j);
        Fold f = fitted[j];
        PopulationPrior.Builder pb = PopulationPrior.builder(c);
        for (RecipientState st : f.states()) {
          if (st != null) {
            pb.add(st);
          }
        }
        PopulationPrior prior = pb.build();
        for (int r = 0; r < f.states().length; r++) {
          long[] ev = f.eval()[r];
          if (ev == null) {
            continue;
          }
          RecipientState st = f.states()[r];
          EngagementCurve curve =
              EngagementCurve.blend(st, st == null ? 0 : st.massAt(v, c.halfLife()), prior, c);
          for (long e : ev) {
            bits += curve.logLiftBits(MinuteOfWeek.fractionalOf(Instant.ofEpochMilli(e)));
            events++;
          }
        }
      }
      return new double[] {events == 0 ? 0 : bits / events, events};
    }

    /** Whether the states fitted for {@code a} serve {@code b} (same fit-time parameters). */
    private static boolean sameFit(ModelConfig a, ModelConfig b) {
      return a.halfLife().equals(b.halfLife())
          && a.burstMinutes() == b.burstMinutes()
          && a.signalWeights().equals(b.signalWeights());
    }
  }
}
