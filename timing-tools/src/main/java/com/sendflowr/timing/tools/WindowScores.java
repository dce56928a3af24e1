package com.sendflowr.timing.tools;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The scores of every recipient-window of a backtest (one recipient, one cutoff, one policy list),
 * pooled into point estimates with bootstrap intervals.
 *
 * <p>The bootstrap resamples <em>recipients</em> (all of a recipient's windows together), not
 * single windows: the windows of one person are correlated (the same habits, the same model), so
 * resampling windows independently would give intervals that are too narrow.
 */
final class WindowScores {

  /** One recipient-window: per policy the minutes to the nearest event and the summed log-lift. */
  record Window(
      int recipient, int cutoff, float[] minutesToNearest, double[] logLiftBits, int events) {}

  /** A pooled estimate and its percentile bootstrap 95 % interval. */
  record Interval(double estimate, double low, double high) {
    static Interval of(double estimate, double[] resamples) {
      double[] s = resamples.clone();
      Arrays.sort(s);
      return new Interval(
          PolicyMetrics.round(estimate),
          PolicyMetrics.round(quantile(s, 0.025)),
          PolicyMetrics.round(quantile(s, 0.975)));
    }

    boolean aboveZero() {
      return low > 0;
    }
  }

  /** The pooled metrics of one policy. */
  record PooledPolicy(
      @JsonProperty("hit_rate_30m") Interval hitRate30m,
      @JsonProperty("hit_rate_60m") Interval hitRate60m,
      @JsonProperty("hit_rate_120m") Interval hitRate120m,
      double medianMinutesToEngagement,
      Interval logLikelihoodGainBits,
      long recipientWindows,
      long evaluationEvents)
      implements Backtest.PolicyScores {}

  /** Engine minus the best baseline on one metric, paired over the same resampled recipients. */
  record PairedDifference(String bestBaseline, Interval difference) {}

  static final int[] HIT_MINUTES = {30, 60, 120};

  private final List<String> policies;
  private final List<Window> windows = new ArrayList<>();

  WindowScores(List<String> policies) {
    this.policies = List.copyOf(policies);
  }

  void add(Window w) {
    if (w.minutesToNearest().length != policies.size()
        || w.logLiftBits().length != policies.size()) {
      throw new IllegalArgumentException("one score per policy expected");
    }
    windows.add(w);
  }

  List<Window> windows() {
    return windows;
  }

  List<String> policies() {
    return policies;
  }

  /** The classic accumulators (for the chart and single-cutoff output), one per policy. */
  PolicyMetrics metrics(int policy) {
    PolicyMetrics m = new PolicyMetrics();
    for (Window w : windows) {
      m.addDistance(w.minutesToNearest()[policy]);
      m.addLogLiftSum(w.logLiftBits()[policy], w.events());
    }
    return m;
  }

  /**
   * Per-recipient sums, the unit the bootstrap resamples: [recipient][policy][statistic] with the
   * statistics hit30, hit60, hit120, log-lift sum; plus per recipient windows and events.
   */
  private record Clusters(double[][][] sums, long[] windows, long[] events) {}

  private Clusters clusters() {
    int maxR = -1;
    for (Window w : windows) {
      maxR = Math.max(maxR, w.recipient());
    }
    int[] index = new int[maxR + 1];
    Arrays.fill(index, -1);
    int n = 0;
    for (Window w : windows) {
      if (index[w.recipient()] < 0) {
        index[w.recipient()] = n++;
      }
    }
    double[][][] sums = new double[n][policies.size()][4];
    long[] win = new long[n];
    long[] ev = new long[n];
    for (Window w : windows) {
      int c = index[w.recipient()];
      win[c]++;
      ev[c] += w.events();
      for (int p = 0; p < policies.size(); p++) {
        float d = w.minutesToNearest()[p];
        for (int h = 0; h < 3; h++) {
          if (d <= HIT_MINUTES[h]) {
            sums[c][p][h]++;
          }
        }
        sums[c][p][3] += w.logLiftBits()[p];
      }
    }
    return new Clusters(sums, win, ev);
  }

  /** Statistic s (0..2 hit rates, 3 log-likelihood gain) of policy p over resampled clusters. */
  private static double statistic(Clusters c, int[] draw, int p, int s) {
    double num = 0;
    double den = 0;
    for (int i : draw) {
      num += c.sums()[i][p][s];
      den += s == 3 ? c.events()[i] : c.windows()[i];
    }
    return den == 0 ? 0 : num / den;
  }

  /** Pooled policies and paired differences with {@code resamples} bootstrap draws. */
  record Pooled(
      java.util.Map<String, PooledPolicy> policies,
      @JsonProperty("engine_minus_best_baseline_hit_rate_60m")
          PairedDifference engineMinusBestBaselineHitRate60m,
      PairedDifference engineMinusBestBaselineLogLikelihoodGainBits,
      long recipients,
      int resamples) {}

  Pooled pool(int engine, List<Integer> baselines, int resamples, long seed) {
    Clusters c = clusters();
    int n = c.windows().length;
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    int np = policies.size();
    double[][] point = new double[np][4];
    for (int p = 0; p < np; p++) {
      for (int s = 0; s < 4; s++) {
        point[p][s] = statistic(c, all, p, s);
      }
    }
    int bestHit = baselines.get(0);
    int bestLl = baselines.get(0);
    for (int b : baselines) {
      bestHit = point[b][1] > point[bestHit][1] ? b : bestHit;
      bestLl = point[b][3] > point[bestLl][3] ? b : bestLl;
    }
    double[][][] boot = new double[np][4][resamples];
    double[] dHit = new double[resamples];
    double[] dLl = new double[resamples];
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] draw = new int[n];
    for (int b = 0; b < resamples; b++) {
      for (int i = 0; i < n; i++) {
        draw[i] = rnd.nextInt(n);
      }
      for (int p = 0; p < np; p++) {
        for (int s = 0; s < 4; s++) {
          boot[p][s][b] = statistic(c, draw, p, s);
        }
      }
      dHit[b] = boot[engine][1][b] - boot[bestHit][1][b];
      dLl[b] = boot[engine][3][b] - boot[bestLl][3][b];
    }
    java.util.Map<String, PooledPolicy> out = new java.util.LinkedHashMap<>();
    for (int p = 0; p < np; p++) {
      PolicyMetrics m = metrics(p);
      out.put(
          policies.get(p),
          new PooledPolicy(
              Interval.of(point[p][0], boot[p][0]),
              Interval.of(point[p][1], boot[p][1]),
              Interval.of(point[p][2], boot[p][2]),
              PolicyMetrics.round(m.medianMinutes()),
              Interval.of(point[p][3], boot[p][3]),
              windows.size(),
              m.events()));
    }
    return new Pooled(
        out,
        new PairedDifference(
            policies.get(bestHit), Interval.of(point[engine][1] - point[bestHit][1], dHit)),
        new PairedDifference(
            policies.get(bestLl), Interval.of(point[engine][3] - point[bestLl][3], dLl)),
        n,
        resamples);
  }

  private static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double pos = q * (sorted.length - 1);
    int i = (int) Math.floor(pos);
    int j = Math.min(sorted.length - 1, i + 1);
    return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
  }
}
