package com.sendflowr.timing.model;

import com.sendflowr.contract.MinuteOfWeek;
import java.util.List;

/**
 * A smooth, normalised probability density over the week (per minute, so it integrates to 1 over
 * [0, 10080)), evaluable at any fractional minute and periodic across the week boundary.
 *
 * <p>It is the Gaussian-smoothed Fourier series of a recipient's (prior-blended) event measure,
 * clamped at zero and mixed with a small flat share so that no minute is impossible. Immutable
 * apart from a lazily computed coarse grid.
 */
public final class EngagementCurve {

  /** Points of the coarse weekly grid (about 9.8 minutes apart); a power of two for the FFT. */
  public static final int GRID = 1024;

  public static final double GRID_STEP_MINUTES = (double) MinuteOfWeek.MINUTES_PER_WEEK / GRID;

  private static final double W = MinuteOfWeek.MINUTES_PER_WEEK;
  private static final Fft FFT = new Fft(GRID);
  private static final int HOURS_PER_WEEK = 168;

  private final double[] a;
  private final double[] b;
  private final double uniformMix;
  private final double recipientWeight;
  private final List<CohortWeight> cohortWeights;
  private double[] grid;

  /** Cohorts an explanation lists (the largest responsibilities). */
  static final int TOP_COHORTS = 3;

  private EngagementCurve(
      double[] a,
      double[] b,
      double uniformMix,
      double recipientWeight,
      List<CohortWeight> cohortWeights) {
    if (a.length >= GRID / 2) {
      throw new IllegalArgumentException("too many harmonics for the grid: " + a.length);
    }
    this.a = a;
    this.b = b;
    this.uniformMix = uniformMix;
    this.recipientWeight = recipientWeight;
    this.cohortWeights = cohortWeights;
  }

  /** The flat curve: every minute equally likely. */
  public static EngagementCurve uniform() {
    return new EngagementCurve(new double[0], new double[0], 1.0, 0.0, List.of());
  }

  /**
   * The recipient's curve as of the moment its decayed evidence is {@code evidence}, blended with
   * the prior by pseudo-counts: the recipient's share is {@code evidence / (evidence +
   * priorStrength)}, so it grows as evidence accumulates. A null or empty state gives the prior.
   */
  public static EngagementCurve blend(
      RecipientState state, double evidence, PopulationPrior prior, ModelConfig config) {
    int k = state != null ? state.harmonics() : prior != null ? prior.harmonics() : 0;
    if (prior != null) {
      k = Math.max(k, prior.harmonics());
    }
    double m = state == null || state.isEmpty() ? 0 : Math.max(0, evidence);
    boolean hasPrior = prior != null && !prior.isEmpty();
    if (m <= 0 && !hasPrior) {
      return new EngagementCurve(new double[0], new double[0], config.uniformMix(), 0, List.of());
    }
    // Without evidence the prior alone, whatever its strength (0 included).
    double rw = m <= 0 ? 0 : m / (m + (hasPrior ? config.priorStrength() : 0));
    double pw = 1 - rw;
    double dayOfWeek = config.dayOfWeekEvidence() == 0 ? 1 : m / (m + config.dayOfWeekEvidence());
    double[] sa = null;
    double[] sb = null;
    if (rw > 0) {
      sa = new double[state.harmonics()];
      sb = new double[state.harmonics()];
      state.normalised(sa, sb);
    }
    PopulationPrior.Mix mix = null;
    if (pw > 0) {
      mix = prior.mixFor(sa, sb, m, config.cohortTemperature(), TOP_COHORTS);
    }
    double[] ca = new double[k];
    double[] cb = new double[k];
    for (int i = 1; i <= k; i++) {
      double ra = 0;
      double rb = 0;
      if (rw > 0 && i <= sa.length) {
        ra = sa[i - 1];
        rb = sb[i - 1];
        if (i % 7 != 0) {
          // Harmonics that are multiples of 7 are the daily-periodic part; the rest is what makes
          // one weekday differ from another, shrunk toward the pooled daily profile.
          ra *= dayOfWeek;
          rb *= dayOfWeek;
        }
      }
      double pa = 0;
      double pb = 0;
      if (pw > 0 && i <= mix.cos().length) {
        pa = mix.cos()[i - 1];
        pb = mix.sin()[i - 1];
      }
      ca[i - 1] = rw * ra + pw * pa;
      cb[i - 1] = rw * rb + pw * pb;
    }
    smooth(ca, cb, config.smoothingMinutes());
    return new EngagementCurve(
        ca, cb, config.uniformMix(), rw, mix == null ? List.of() : mix.top());
  }

  /** The prior's own curve (what a recipient with no history gets). */
  public static EngagementCurve ofPrior(PopulationPrior prior, ModelConfig config) {
    return blend(null, 0, prior, config);
  }

  private record Kernel(double sigma, double[] spectrum) {}

  /** The last kernel used: configurations rarely change, and exp() per harmonic is not free. */
  private static volatile Kernel kernel = new Kernel(-1, new double[0]);

  /** Multiplies harmonic k by the Gaussian kernel's spectrum exp(-(omega k sigma)^2 / 2). */
  private static void smooth(double[] ca, double[] cb, double sigmaMinutes) {
    Kernel k = kernel;
    if (k.sigma() != sigmaMinutes || k.spectrum().length < ca.length) {
      double[] g = new double[Math.max(ca.length, RecipientState.DEFAULT_HARMONICS)];
      for (int i = 0; i < g.length; i++) {
        double x = RecipientState.OMEGA * (i + 1) * sigmaMinutes;
        g[i] = Math.exp(-0.5 * x * x);
      }
      kernel = k = new Kernel(sigmaMinutes, g);
    }
    double[] g = k.spectrum();
    for (int i = 0; i < ca.length; i++) {
      ca[i] *= g[i];
      cb[i] *= g[i];
    }
  }

  private record Lead(double tau, double[] re, double[] im) {}

  /** The last response-lead factors used (one configuration at a time, like the kernel). */
  private static volatile Lead lead = new Lead(-1, new double[0], new double[0]);

  /**
   * The response score of a message arriving at each minute, as a curve: {@code S(t) = integral
   * over s >= 0 of P(t + s) exp(-s / tau) ds / tau}, where P is this curve before its zero clamp. A
   * message waits in the inbox for the recipient's next look and loses the top spot as time passes,
   * so the best arrival is shortly <em>before</em> the activity peak, not on it.
   *
   * <p>In the Fourier representation this is exact and cheap: harmonic k (coefficient {@code a - i
   * b} of {@code exp(i omega_k t)}) is multiplied by {@code 1 / (1 - i omega_k tau)}, which shifts
   * its phase ahead by {@code atan(omega_k tau)} and damps it by {@code 1 / sqrt(1 + (omega_k
   * tau)^2)}. S integrates to 1 over the week like P (the constant term is unchanged), so it is a
   * density and its lift reads the same way. {@code tau = 0} returns this curve.
   */
  public EngagementCurve leadAdjusted(double tauMinutes) {
    if (!(tauMinutes >= 0) || Double.isInfinite(tauMinutes)) {
      throw new IllegalArgumentException("tau must be a finite number >= 0");
    }
    if (tauMinutes == 0 || a.length == 0) {
      return this;
    }
    Lead l = lead;
    if (l.tau() != tauMinutes || l.re().length < a.length) {
      int n = Math.max(a.length, RecipientState.DEFAULT_HARMONICS);
      double[] re = new double[n];
      double[] im = new double[n];
      for (int i = 0; i < n; i++) {
        double x = RecipientState.OMEGA * (i + 1) * tauMinutes;
        re[i] = 1 / (1 + x * x);
        im[i] = x / (1 + x * x);
      }
      lead = l = new Lead(tauMinutes, re, im);
    }
    double[] re = l.re();
    double[] im = l.im();
    double[] na = new double[a.length];
    double[] nb = new double[b.length];
    for (int i = 0; i < a.length; i++) {
      // (a - i b)(re + i im) = (a re + b im) - i (b re - a im)
      na[i] = a[i] * re[i] + b[i] * im[i];
      nb[i] = b[i] * re[i] - a[i] * im[i];
    }
    return new EngagementCurve(na, nb, uniformMix, recipientWeight, cohortWeights);
  }

  /**
   * The cohorts the prior part of this curve was mixed from, largest responsibility first (at most
   * three); empty when the prior is the population average (no cohorts, or no history).
   */
  public List<CohortWeight> cohortWeights() {
    return cohortWeights;
  }

  /** Share of the curve that comes from the recipient's own history (the rest is prior). */
  public double recipientWeight() {
    return recipientWeight;
  }

  public int harmonics() {
    return a.length;
  }

  /** Probability density per minute at a fractional minute of the week (any real number). */
  public double density(double minute) {
    double theta = RecipientState.OMEGA * minute;
    double c1 = Math.cos(theta);
    double s1 = Math.sin(theta);
    double c = c1;
    double s = s1;
    double sum = 0;
    for (int k = 0; k < a.length; k++) {
      sum += a[k] * c + b[k] * s;
      double nc = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = nc;
    }
    return finish(sum);
  }

  private double finish(double harmonicSum) {
    double raw = (1 + 2 * harmonicSum) / W;
    return (1 - uniformMix) * Math.max(0, raw) + uniformMix / W;
  }

  /** {@code density * 10080}: 1 means "as likely as a uniformly random minute". */
  public double lift(double minute) {
    return density(minute) * W;
  }

  /** log2 of the lift: the information gain, in bits, of an event at this minute vs uniform. */
  public double logLiftBits(double minute) {
    return Math.log(lift(minute)) / Math.log(2);
  }

  /**
   * Densities at {@code count} consecutive whole minutes starting at minute-of-week {@code
   * firstMinute} (wrapping past the week end), into {@code out[0..count)}. Rotating one phasor per
   * harmonic keeps this free of trigonometric calls in the loop.
   */
  public void densities(long firstMinute, int count, double[] out) {
    java.util.Arrays.fill(out, 0, count, 0.0);
    double theta = RecipientState.OMEGA * Math.floorMod(firstMinute, MinuteOfWeek.MINUTES_PER_WEEK);
    double c1 = Math.cos(theta);
    double s1 = Math.sin(theta);
    double st1 = Math.cos(RecipientState.OMEGA);
    double ss1 = Math.sin(RecipientState.OMEGA);
    double c = c1;
    double s = s1;
    double sc = st1;
    double ss = ss1;
    for (int k = 0; k < a.length; k++) {
      double ak = a[k];
      double bk = b[k];
      double pc = c;
      double ps = s;
      for (int j = 0; j < count; j++) {
        out[j] += ak * pc + bk * ps;
        double npc = pc * sc - ps * ss;
        ps = ps * sc + pc * ss;
        pc = npc;
      }
      double nc = c * c1 - s * s1;
      s = s * c1 + c * s1;
      c = nc;
      double nsc = sc * st1 - ss * ss1;
      ss = ss * st1 + sc * ss1;
      sc = nsc;
    }
    for (int j = 0; j < count; j++) {
      out[j] = finish(out[j]);
    }
  }

  /**
   * The density sampled at {@code j * GRID_STEP_MINUTES} for j in [0, GRID). Exact at the samples
   * (not an approximation of the series), computed once per curve by one FFT.
   */
  public double[] grid() {
    double[] g = grid;
    if (g == null) {
      double[] re = new double[GRID];
      double[] im = new double[GRID];
      for (int k = 1; k <= a.length; k++) {
        re[k] = a[k - 1];
        im[k] = -b[k - 1];
      }
      FFT.inverse(re, im);
      for (int j = 0; j < GRID; j++) {
        re[j] = finish(re[j]);
      }
      grid = g = re;
    }
    return g;
  }

  /**
   * Computes the {@link #grid()} of two curves with one complex FFT: both series are real, so one
   * goes into the real and the other into the imaginary part of a two-sided spectrum. The result is
   * the same as calling {@code grid()} on each (a decision needs both the activity curve and its
   * lead-adjusted response curve).
   */
  static void computeGrids(EngagementCurve x, EngagementCurve y) {
    if (x == y || x.grid != null || y.grid != null) {
      x.grid();
      y.grid();
      return;
    }
    double[] re = new double[GRID];
    double[] im = new double[GRID];
    // x: Z_k += c_k / 2, Z_-k += conj(c_k) / 2 with c_k = a_k - i b_k
    for (int k = 1; k <= x.a.length; k++) {
      re[k] += 0.5 * x.a[k - 1];
      im[k] -= 0.5 * x.b[k - 1];
      re[GRID - k] += 0.5 * x.a[k - 1];
      im[GRID - k] += 0.5 * x.b[k - 1];
    }
    // y: Z_k += i d_k / 2, Z_-k += i conj(d_k) / 2 with d_k = a_k - i b_k
    for (int k = 1; k <= y.a.length; k++) {
      re[k] += 0.5 * y.b[k - 1];
      im[k] += 0.5 * y.a[k - 1];
      re[GRID - k] -= 0.5 * y.b[k - 1];
      im[GRID - k] += 0.5 * y.a[k - 1];
    }
    FFT.inverse(re, im);
    for (int j = 0; j < GRID; j++) {
      re[j] = x.finish(re[j]);
      im[j] = y.finish(im[j]);
    }
    x.grid = re;
    y.grid = im;
  }

  /**
   * Density at a fractional minute by 4-point cubic interpolation of {@link #grid()}: the curve is
   * smooth on the grid's 9.8-minute scale (kernel width >= 25 minutes), so the relative error is
   * about 1e-4 while costing a few flops instead of one term per harmonic. Used to scan windows;
   * reported scores use {@link #density(double)}.
   */
  public double gridDensity(double minute) {
    double[] g = grid();
    double x = minute - W * Math.floor(minute / W);
    double pos = x / GRID_STEP_MINUTES;
    int i = Math.min((int) pos, GRID - 1);
    double t = pos - i;
    double p0 = g[(i + GRID - 1) & (GRID - 1)];
    double p1 = g[i];
    double p2 = g[(i + 1) & (GRID - 1)];
    double p3 = g[(i + 2) & (GRID - 1)];
    double tm1 = t - 1;
    double tm2 = t - 2;
    double tp1 = t + 1;
    return -p0 * t * tm1 * tm2 / 6
        + p1 * tp1 * tm1 * tm2 / 2
        - p2 * tp1 * t * tm2 / 2
        + p3 * tp1 * t * tm1 / 6;
  }

  /** {@link #gridDensity} at {@code count} consecutive whole minutes from {@code firstMinute}. */
  public void gridDensities(long firstMinute, int count, double[] out) {
    for (int j = 0; j < count; j++) {
      out[j] = gridDensity(firstMinute + j);
    }
  }

  /** Peak lift over the week, read from the coarse grid. */
  public double peakLift() {
    double[] g = grid();
    double max = 0;
    for (double v : g) {
      max = Math.max(max, v);
    }
    return max * W;
  }

  /** The whole minute of the week with the highest density: coarse grid, then exact refinement. */
  public int peakMinute() {
    double[] g = grid();
    int best = 0;
    for (int j = 1; j < GRID; j++) {
      if (g[j] > g[best]) {
        best = j;
      }
    }
    int from = (int) Math.floor(best * GRID_STEP_MINUTES - GRID_STEP_MINUTES) - 1;
    int count = (int) Math.ceil(2 * GRID_STEP_MINUTES) + 3;
    int bi = 0;
    double bv = -1;
    for (int j = 0; j < count; j++) {
      double v = gridDensity(from + j);
      if (v > bv) {
        bv = v;
        bi = j;
      }
    }
    return Math.floorMod(from + bi, MinuteOfWeek.MINUTES_PER_WEEK);
  }

  /**
   * Hour-level projection (the legacy send-time-optimisation view): probability of each of the 168
   * hours of the week, hour 0 = Monday 00:00-01:00 UTC. Integrates the smooth series exactly (the
   * zero clamp is ignored, which only matters for curves that ring), so the values sum to 1.
   */
  public double[] hourly() {
    double[] p = new double[HOURS_PER_WEEK];
    double step = RecipientState.OMEGA * 60;
    for (int k = 1; k <= a.length; k++) {
      double wk = RecipientState.OMEGA * k;
      double ak = a[k - 1];
      double bk = b[k - 1];
      if (ak == 0 && bk == 0) {
        continue;
      }
      double sc = Math.cos(step * k);
      double ss = Math.sin(step * k);
      double c0 = 1;
      double s0 = 0;
      for (int h = 0; h < HOURS_PER_WEEK; h++) {
        double c1 = c0 * sc - s0 * ss;
        double s1 = s0 * sc + c0 * ss;
        // integral over the hour of (a cos + b sin)(wk t) dt
        p[h] += 2 * (ak * (s1 - s0) - bk * (c1 - c0)) / wk;
        c0 = c1;
        s0 = s1;
      }
    }
    for (int h = 0; h < HOURS_PER_WEEK; h++) {
      double raw = (60 + p[h]) / W;
      p[h] = (1 - uniformMix) * raw + uniformMix * 60 / W;
    }
    return p;
  }
}
