package com.sendflowr.timing.model;

import com.sendflowr.contract.MinuteOfWeek;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Chooses the target minute for one send request: the one implementation of the decision math,
 * shared by the streaming job, the backtest, the simulator and the benchmarks.
 *
 * <p>Search: P_final is scored on a 10-minute coarse grid of the window (base density read from the
 * curve's FFT grid) plus every breaker edge, the best few distinct coarse peaks are refined at
 * exact minute resolution, then shadow segmentation picks, from a hash of the recipient id, one of
 * the near-optimal minutes around the best. Stateless and thread-safe.
 */
public final class TimingEngine {

  private static final double W = MinuteOfWeek.MINUTES_PER_WEEK;
  private static final int COARSE_STEP = 10;
  private static final int REFINE_RADIUS = 10;
  private static final int PEAK_SEPARATION = 60;

  /** Windows up to this many minutes are scanned at every minute, without a coarse pass. */
  private static final int EXACT_LIMIT = 240;

  private final ModelConfig config;
  private final PopulationPrior prior;
  private volatile CurveScorer priorScorer;

  public TimingEngine(ModelConfig config, PopulationPrior prior) {
    this.config = Objects.requireNonNull(config, "config");
    this.prior = prior == null ? PopulationPrior.empty() : prior;
  }

  public ModelConfig config() {
    return config;
  }

  public PopulationPrior prior() {
    return prior;
  }

  /** The recipient's blended curve as of {@code now} (the prior alone for an unknown one). */
  public EngagementCurve curveAt(RecipientState state, Instant now) {
    double evidence = state == null ? 0 : state.massAt(now, config.halfLife());
    return EngagementCurve.blend(state, evidence, prior, config);
  }

  /**
   * The population prior's scorer, the same for every fallback decision of this engine: built once
   * (grids included) and published through a volatile field, so concurrent callers see it whole.
   */
  private CurveScorer priorScorer() {
    CurveScorer s = priorScorer;
    if (s == null) {
      s = CurveScorer.of(EngagementCurve.ofPrior(prior, config), config.responseLeadMinutes());
      priorScorer = s;
    }
    return s;
  }

  /**
   * What a decision knows before it looks at the window: the curve it scores (personal or the
   * intent's fallback), why, the inputs, and the confidence.
   */
  private record Basis(
      DecisionRequest request,
      Scorer scorer,
      String policy,
      String reason,
      InputSummary inputs,
      int basePeak,
      double basePeakLift,
      Confidence confidence,
      boolean fallback) {}

  /** Where the chosen minute ended up after shadow segmentation, and the instant sent at. */
  private record Spread(ScoredMinute chosen, Instant target, ShadowSpread shadow) {}

  /** What a scheduled explanation adds to the basis; null for decisions that send nothing. */
  private record Choice(
      ScoredMinute best,
      ScoredMinute chosen,
      List<ScoredMinute> runnersUp,
      ShadowSpread spread,
      List<AppliedWeight> applied) {}

  public TimingChoice decide(DecisionRequest r) {
    Basis b = basis(r);
    Instant now = r.now();
    ContextWeights ctx = r.context();
    LatencyEstimate latencyNow = r.latency().estimateAt(now);
    Instant earliest = later(r.notBefore(), now.plus(latencyNow.value()));
    long startMin = Math.floorDiv(earliest.getEpochSecond() + 59, 60L);
    long endMin = Math.floorDiv(r.notAfter().getEpochSecond(), 60L);
    if (startMin > endMin) {
      return notSent(b, earliest, DecisionOutcome.WINDOW_UNREACHABLE, List.of(), null, latencyNow);
    }
    Instant startI = Instant.ofEpochSecond(startMin * 60);
    Instant endI = Instant.ofEpochSecond(endMin * 60);
    List<ContextSignal> breakers = ctx.breakersOverlapping(startI, endI);
    List<AppliedWeight> breakerWeights = new ArrayList<>();
    for (ContextSignal c : breakers) {
      breakerWeights.add(new AppliedWeight(c.type(), c.role(), -1, c.from(), c.until()));
    }
    Instant free = ctx.firstUnsuppressed(startI, endI);
    if (free == null) {
      Instant until = startI;
      for (ContextSignal c : breakers) {
        until = later(until, c.until());
      }
      return notSent(b, earliest, DecisionOutcome.SUPPRESSED, breakerWeights, until, latencyNow);
    }
    Window w = new Window(startMin, (int) (endMin - startMin + 1), MinuteOfWeek.of(startI), ctx);
    List<ScoredMinute> peaks = findPeaks(w, b.scorer(), breakers, free);
    Spread spread = spread(w, b.scorer(), peaks.get(0), r);
    return scheduled(b, earliest, peaks, spread, breakerWeights);
  }

  /** The curve the decision scores, the policy that chose it, the inputs and the confidence. */
  private Basis basis(DecisionRequest r) {
    Instant now = r.now();
    RecipientState st = r.state();
    double evidence = st == null ? 0 : st.massAt(now, config.halfLife());
    EngagementCurve personal = curveAt(st, now);
    EngagementCurve personalResponse = personal.leadAdjusted(config.responseLeadMinutes());
    EngagementCurve.computeGrids(personal, personalResponse);
    Confidence confidence =
        Confidence.of(evidence, config.evidenceHalfSaturation(), personal.peakLift());
    IntentPolicy ip = r.policy();
    boolean fallback = confidence.score() < ip.confidenceThreshold();
    Scorer scorer;
    String policy;
    String reason;
    if (!fallback) {
      scorer = new CurveScorer(personal, personalResponse);
      policy = "personal";
      reason =
          "confidence "
              + threeDecimals(confidence.score())
              + " >= threshold "
              + threeDecimals(ip.confidenceThreshold());
    } else {
      policy = "fallback:" + ip.fallback().wire();
      reason =
          "confidence "
              + threeDecimals(confidence.score())
              + " < threshold "
              + threeDecimals(ip.confidenceThreshold())
              + " of intent "
              + ip.intentId();
      scorer =
          switch (ip.fallback()) {
            case POPULATION_PRIOR -> priorScorer();
            case HOURLY_PROJECTION -> new HourlyScorer(personal.hourly());
            case WINDOW_START -> new FlatScorer();
          };
    }
    int basePeak = scorer.peakMinute();
    InputSummary inputs =
        new InputSummary(
            st != null && !st.isEmpty(),
            st == null ? 0 : st.signalCount(),
            evidence,
            st == null ? null : st.lastUpdate(),
            personal.recipientWeight(),
            prior.members(),
            config.halfLife().toMinutes() / 60.0,
            config.smoothingMinutes(),
            config.responseLeadMinutes(),
            r.context().signals().size(),
            prior.cohortCount(),
            personal.cohortWeights());
    return new Basis(
        r,
        scorer,
        policy,
        reason,
        inputs,
        basePeak,
        scorer.exactLift(basePeak),
        confidence,
        fallback);
  }

  /**
   * Shadow segmentation: among the near-optimal minutes within the spread radius of the best, a
   * hash of the recipient id picks one, and a second within it.
   */
  private Spread spread(Window w, Scorer scorer, ScoredMinute best, DecisionRequest r) {
    long hash = mix(r.recipientId());
    double bucket = (hash >>> 11) * 0x1.0p-53;
    int second = (int) Math.floorMod(mix64(hash), 60L);
    int bestOff = (int) (best.instant().getEpochSecond() / 60 - w.startMin);
    int lo = Math.max(0, bestOff - config.spreadRadiusMinutes());
    int hi = Math.min(w.count - 1, bestOff + config.spreadRadiusMinutes());
    double[] scores = w.scan(scorer, lo, hi - lo + 1);
    double cutoff = (1 - config.spreadTolerance()) * best.score();
    int near = 0;
    for (double v : scores) {
      if (v > 0 && v >= cutoff) {
        near++;
      }
    }
    int chosenOff = bestOff;
    if (near > 0) {
      int pick = Math.min(near - 1, (int) (bucket * near));
      for (int j = 0; j < scores.length; j++) {
        if (scores[j] > 0 && scores[j] >= cutoff && pick-- == 0) {
          chosenOff = lo + j;
          break;
        }
      }
    }
    ScoredMinute chosen = w.scored(scorer, chosenOff);
    Instant target = chosen.instant().plusSeconds(second);
    if (target.isAfter(r.notAfter()) || w.ctx.factorAt(target.getEpochSecond()) == 0) {
      // Minutes are scored at their first second; a breaker starting inside the minute or the
      // window ending inside it leaves only that first second safe.
      target = chosen.instant();
    }
    int offsetSeconds = (int) (target.getEpochSecond() - chosen.instant().getEpochSecond());
    return new Spread(
        chosen,
        target,
        new ShadowSpread(
            bucket,
            Math.max(near, 1),
            chosenOff - bestOff,
            offsetSeconds,
            config.spreadTolerance()));
  }

  /** The scheduled decision: latency at the target, the trigger, and the explanation. */
  private TimingChoice scheduled(
      Basis b,
      Instant earliest,
      List<ScoredMinute> peaks,
      Spread spread,
      List<AppliedWeight> breakerWeights) {
    DecisionRequest r = b.request();
    Instant target = spread.target();
    LatencyEstimate first = r.latency().estimateAt(target);
    LatencyEstimate latency = r.latency().estimateAt(target.minus(first.value()));
    Instant trigger = target.minus(latency.value());
    boolean clamped = trigger.isBefore(r.now());
    if (clamped) {
      trigger = r.now();
    }
    Choice choice =
        new Choice(
            peaks.get(0),
            spread.chosen(),
            peaks.subList(1, peaks.size()),
            spread.shadow(),
            r.context().appliedAt(target));
    Explanation ex =
        explanation(
            b, earliest, DecisionOutcome.SCHEDULED, choice, breakerWeights, null, latency, clamped);
    return new TimingChoice(
        DecisionOutcome.SCHEDULED,
        target,
        spread.chosen().minuteOfWeek(),
        trigger,
        latency,
        b.confidence(),
        b.fallback(),
        ex);
  }

  /** A decision that sends nothing: the window cannot be reached, or it is all suppressed. */
  private TimingChoice notSent(
      Basis b,
      Instant earliest,
      DecisionOutcome outcome,
      List<AppliedWeight> breakers,
      Instant suppressedUntil,
      LatencyEstimate latency) {
    Explanation ex =
        explanation(b, earliest, outcome, null, breakers, suppressedUntil, latency, false);
    return new TimingChoice(outcome, null, -1, null, latency, b.confidence(), b.fallback(), ex);
  }

  private Explanation explanation(
      Basis b,
      Instant earliest,
      DecisionOutcome outcome,
      Choice choice,
      List<AppliedWeight> breakers,
      Instant suppressedUntil,
      LatencyEstimate latency,
      boolean clamped) {
    DecisionRequest r = b.request();
    return new Explanation(
        r.recipientId(),
        r.intentId(),
        ModelConfig.MODEL_VERSION,
        r.now(),
        r.notBefore(),
        r.notAfter(),
        earliest,
        outcome,
        b.policy(),
        b.reason(),
        b.inputs(),
        b.basePeak(),
        b.basePeakLift(),
        weeklyCurve(b.scorer()),
        choice == null ? null : choice.best(),
        choice == null ? null : choice.chosen(),
        choice == null ? List.of() : choice.runnersUp(),
        choice == null ? null : choice.spread(),
        choice == null ? List.of() : choice.applied(),
        breakers,
        suppressedUntil,
        latency,
        clamped,
        b.confidence(),
        r.policy().confidenceThreshold());
  }

  /**
   * The scored curve by hour of the week, for the explanation: the mean of four grid points per
   * hour (cheap: the grid is already computed), rounded so 168 numbers stay short in JSON.
   */
  private static List<Double> weeklyCurve(Scorer scorer) {
    List<Double> hourly = new ArrayList<>(168);
    for (int h = 0; h < 168; h++) {
      double sum = 0;
      for (int q = 0; q < 4; q++) {
        sum += scorer.coarseLift(h * 60 + q * 15);
      }
      hourly.add(Math.round(sum / 4 * 1000) / 1000.0);
    }
    return hourly;
  }

  /** Distinct local optima of P_final, best first (ties: earliest), at most 1 + runnersUp. */
  private List<ScoredMinute> findPeaks(
      Window w, Scorer scorer, List<ContextSignal> breakers, Instant firstFree) {
    int want = 1 + config.runnersUp();
    List<Integer> seeds = new ArrayList<>();
    double[] seedScore;
    int[] seedOff;
    if (w.count <= EXACT_LIMIT) {
      seedOff = new int[w.count];
      for (int i = 0; i < w.count; i++) {
        seedOff[i] = i;
      }
      seedScore = w.scan(scorer, 0, w.count);
    } else {
      List<Integer> offs = new ArrayList<>();
      for (int o = 0; o < w.count; o += COARSE_STEP) {
        offs.add(o);
      }
      offs.add(w.count - 1);
      // A breaker edge can be the best minute and fall between coarse points.
      for (ContextSignal b : breakers) {
        offs.add((int) (Math.floorDiv(b.until().getEpochSecond() + 59, 60L) - w.startMin));
        offs.add((int) (Math.floorDiv(b.from().getEpochSecond(), 60L) - 1 - w.startMin));
      }
      offs.add((int) (Math.floorDiv(firstFree.getEpochSecond() + 59, 60L) - w.startMin));
      seedOff =
          offs.stream().mapToInt(Integer::intValue).filter(o -> o >= 0 && o < w.count).toArray();
      seedScore = new double[seedOff.length];
      for (int i = 0; i < seedOff.length; i++) {
        seedScore[i] = w.coarse(scorer, seedOff[i]);
      }
    }
    boolean[] used = new boolean[seedOff.length];
    for (int n = 0; n < want; n++) {
      int bi = -1;
      for (int i = 0; i < seedOff.length; i++) {
        if (used[i] || seedScore[i] <= 0) {
          continue;
        }
        if (bi < 0
            || seedScore[i] > seedScore[bi]
            || (seedScore[i] == seedScore[bi] && seedOff[i] < seedOff[bi])) {
          bi = i;
        }
      }
      if (bi < 0) {
        break;
      }
      seeds.add(seedOff[bi]);
      for (int i = 0; i < seedOff.length; i++) {
        if (Math.abs(seedOff[i] - seedOff[bi]) < PEAK_SEPARATION) {
          used[i] = true;
        }
      }
    }
    List<ScoredMinute> peaks = new ArrayList<>();
    List<Integer> peakOffs = new ArrayList<>();
    for (int seed : seeds) {
      int off = seed;
      if (w.count > EXACT_LIMIT) {
        int lo = Math.max(0, seed - REFINE_RADIUS);
        int hi = Math.min(w.count - 1, seed + REFINE_RADIUS);
        double[] s = w.scan(scorer, lo, hi - lo + 1);
        int bj = 0;
        for (int j = 1; j < s.length; j++) {
          if (s[j] > s[bj]) {
            bj = j;
          }
        }
        off = lo + bj;
      }
      ScoredMinute sm = w.scored(scorer, off);
      if (sm.score() <= 0) {
        continue;
      }
      boolean duplicate = false;
      for (int i = 0; i < peaks.size(); i++) {
        if (Math.abs(peakOffs.get(i) - off) < PEAK_SEPARATION) {
          duplicate = true;
          if (sm.score() > peaks.get(i).score()) {
            peaks.set(i, sm);
            peakOffs.set(i, off);
          }
        }
      }
      if (!duplicate) {
        peaks.add(sm);
        peakOffs.add(off);
      }
    }
    if (peaks.isEmpty()) {
      // Only reachable with uniformMix = 0 and a curve that is zero on the unsuppressed minutes.
      long off = Math.floorDiv(firstFree.getEpochSecond() + 59, 60L) - w.startMin;
      peaks.add(w.scored(scorer, (int) Math.min(off, w.count - 1)));
    }
    peaks.sort(
        (x, y) ->
            x.score() != y.score()
                ? Double.compare(y.score(), x.score())
                : x.instant().compareTo(y.instant()));
    return peaks;
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /**
   * {@code x} with three decimals, rounded half up, as {@code String.format("%.3f", x)} writes it
   * in an English locale, but in any locale and without the formatter, which cost as much as the
   * curve's FFT on every decision.
   */
  static String threeDecimals(double x) {
    if (!Double.isFinite(x)) {
      return String.valueOf(x);
    }
    return java.math.BigDecimal.valueOf(x)
        .setScale(3, java.math.RoundingMode.HALF_UP)
        .toPlainString();
  }

  /**
   * A 64-bit hash of a recipient id, stable across JVMs and releases (what shadow segmentation
   * uses; tools that sample recipients use it too, so a sample is a fixed function of the ids).
   */
  public static long stableHash(String id) {
    return mix(id);
  }

  /** FNV-1a over the UTF-8 id, then a SplitMix64 finaliser: stable across JVMs and releases. */
  static long mix(String id) {
    long h = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return mix64(h);
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** The reachable whole minutes of a request window. */
  private static final class Window {
    final long startMin;
    final int count;
    final int startMinuteOfWeek;
    final ContextWeights ctx;

    Window(long startMin, int count, int startMinuteOfWeek, ContextWeights ctx) {
      this.startMin = startMin;
      this.count = count;
      this.startMinuteOfWeek = startMinuteOfWeek;
      this.ctx = ctx;
    }

    int minuteOfWeek(int off) {
      return (int) ((startMinuteOfWeek + (long) off) % MinuteOfWeek.MINUTES_PER_WEEK);
    }

    double factor(int off) {
      return ctx.isEmpty() ? 1 : ctx.factorAt((startMin + off) * 60);
    }

    double coarse(Scorer s, int off) {
      double f = factor(off);
      return f == 0 ? 0 : s.coarseLift(minuteOfWeek(off)) * f;
    }

    double[] scan(Scorer s, int off, int n) {
      double[] out = new double[n];
      s.scanLifts(minuteOfWeek(off), n, out);
      // Most decisions have no context: their scan does not touch it.
      if (!ctx.isEmpty()) {
        for (int j = 0; j < n; j++) {
          out[j] *= ctx.factorAt((startMin + off + j) * 60);
        }
      }
      return out;
    }

    ScoredMinute scored(Scorer s, int off) {
      int mow = minuteOfWeek(off);
      double lift = s.exactLift(mow);
      double f = factor(off);
      return new ScoredMinute(
          Instant.ofEpochSecond((startMin + off) * 60),
          mow,
          s.activityLift(mow),
          lift,
          f,
          lift * f);
    }
  }

  /** Base propensity in lift units (density x 10,080). */
  private interface Scorer {
    double coarseLift(int minuteOfWeek);

    /** Lifts at consecutive whole minutes, accurate to ~1e-4 relative: for scanning. */
    void scanLifts(int firstMinuteOfWeek, int n, double[] out);

    /** The exact lift at one minute: for the values a decision reports. */
    double exactLift(int minuteOfWeek);

    /** The activity lift at the minute itself, before the response lead (for explanations). */
    double activityLift(int minuteOfWeek);

    int peakMinute();
  }

  /** Scores the lead-adjusted response curve of an activity curve. */
  private static final class CurveScorer implements Scorer {
    private final EngagementCurve activity;
    private final EngagementCurve curve;

    CurveScorer(EngagementCurve activity, EngagementCurve response) {
      this.activity = activity;
      this.curve = response;
    }

    static CurveScorer of(EngagementCurve activity, double responseLeadMinutes) {
      EngagementCurve response = activity.leadAdjusted(responseLeadMinutes);
      EngagementCurve.computeGrids(activity, response);
      return new CurveScorer(activity, response);
    }

    @Override
    public double activityLift(int minuteOfWeek) {
      return activity.lift(minuteOfWeek);
    }

    @Override
    public double coarseLift(int m) {
      return curve.gridDensity(m) * W;
    }

    @Override
    public void scanLifts(int first, int n, double[] out) {
      curve.gridDensities(first, n, out);
      for (int j = 0; j < n; j++) {
        out[j] *= W;
      }
    }

    @Override
    public double exactLift(int minuteOfWeek) {
      return curve.lift(minuteOfWeek);
    }

    @Override
    public int peakMinute() {
      return curve.peakMinute();
    }
  }

  private static final class HourlyScorer implements Scorer {
    private final double[] hourly;

    HourlyScorer(double[] hourly) {
      this.hourly = hourly;
    }

    @Override
    public double coarseLift(int m) {
      return hourly[m / 60] * W / 60;
    }

    @Override
    public void scanLifts(int first, int n, double[] out) {
      for (int j = 0; j < n; j++) {
        out[j] = coarseLift((first + j) % MinuteOfWeek.MINUTES_PER_WEEK);
      }
    }

    @Override
    public double exactLift(int minuteOfWeek) {
      return coarseLift(minuteOfWeek);
    }

    @Override
    public double activityLift(int minuteOfWeek) {
      return coarseLift(minuteOfWeek);
    }

    @Override
    public int peakMinute() {
      int best = 0;
      for (int h = 1; h < hourly.length; h++) {
        if (hourly[h] > hourly[best]) {
          best = h;
        }
      }
      return best * 60;
    }
  }

  private static final class FlatScorer implements Scorer {
    @Override
    public double coarseLift(int m) {
      return 1;
    }

    @Override
    public void scanLifts(int first, int n, double[] out) {
      java.util.Arrays.fill(out, 0, n, 1.0);
    }

    @Override
    public double exactLift(int minuteOfWeek) {
      return 1;
    }

    @Override
    public double activityLift(int minuteOfWeek) {
      return 1;
    }

    @Override
    public int peakMinute() {
      return 0;
    }
  }
}
