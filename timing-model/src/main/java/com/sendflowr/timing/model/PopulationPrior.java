package com.sendflowr.timing.model;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The prior of the timing model, learned from the same data as the recipients' curves and kept in
 * the same Fourier form as {@link RecipientState}.
 *
 * <ul>
 *   <li>The <b>population average</b>: the mean normalised engagement measure of all recipients
 *       with history. Every member counts once, whatever its volume, so a few heavy clickers cannot
 *       dictate the prior of everybody else. It is what a recipient never seen gets, and the
 *       "population prior only" baseline.
 *   <li>Optionally <b>K cohorts</b> (archetype curves: time zone and routine), learned by EM for a
 *       mixture of weekly curves. A recipient with history gets the mixture of cohorts weighted by
 *       its responsibilities, {@code r_c ∝ share_c · exp(β · m · ℓ_c)}, where {@code ℓ_c} is the
 *       mean log-lift of the recipient's own measure under cohort c's curve (its per-event
 *       log-likelihood, a dot product of Fourier coefficients), m its decayed evidence and β the
 *       temperature ({@link ModelConfig#cohortTemperature()}). The mixture has one more component,
 *       the <b>background</b>: the population average itself, so a recipient whose routine no
 *       cohort matches gets a broad prior instead of the nearest sharp one. Without cohorts (K ≤ 1)
 *       everybody gets the population average, the behaviour before cohorts existed.
 * </ul>
 */
public final class PopulationPrior {

  /** Written when the prior has cohorts; a prior without cohorts is still written as v1. */
  public static final byte FORMAT_VERSION = 2;

  private static final double W = com.sendflowr.contract.MinuteOfWeek.MINUTES_PER_WEEK;
  private static final Fft FFT = new Fft(EngagementCurve.GRID);

  /** Recipients kept for learning cohorts; more are subsampled (seeded reservoir). */
  static final int MAX_LEARNING_SAMPLE = 20_000;

  static final int EM_ITERATIONS = 25;

  /** Responsibilities below this are dropped from the mixture (and the rest renormalised). */
  private static final double MIN_RESPONSIBILITY = 1e-4;

  private final double[] cos;
  private final double[] sin;
  private final long members;
  private final Cohort[] cohorts;
  private final Likelihood likelihood;

  /**
   * One archetype: its mean normalised measure ({@code cos}/{@code sin}), its share of the
   * population, its (responsibility-weighted) member count, and the Fourier coefficients of the log
   * of its smoothed lift curve, {@code log lift(t) = logConst + 2 Σ (logCos_k cos ω_k t + logSin_k
   * sin ω_k t)}, which make the recipient's log-likelihood a dot product.
   */
  record Cohort(
      double[] cos,
      double[] sin,
      double share,
      double members,
      double logConst,
      double[] logCos,
      double[] logSin) {}

  /** The top cohorts a recipient's prior was mixed from, best first. */
  public record Mix(double[] cos, double[] sin, List<CohortWeight> top) {}

  private PopulationPrior(double[] cos, double[] sin, long members, Cohort[] cohorts) {
    this.cos = cos;
    this.sin = sin;
    this.members = members;
    this.cohorts = cohorts;
    this.likelihood = cohorts.length == 0 ? null : new Likelihood(cohorts);
  }

  /**
   * Harmonics the responsibilities use. The recipient's measure above them is mostly sampling noise
   * and the cohorts' smoothed log-curves are nearly flat there (harmonic 120 = 84-minute period),
   * so they cost a third of the dot products without telling cohorts apart.
   */
  static final int LIKELIHOOD_HARMONICS = 120;

  /** The cohorts' log coefficients in one flat, interleaved array: cheap dot products. */
  static final class Likelihood {
    final int n;
    final double[] coef;
    final double[] offset;

    Likelihood(Cohort[] cohorts) {
      n = Math.min(LIKELIHOOD_HARMONICS, cohorts[0].logCos().length);
      coef = new double[cohorts.length * 2 * n];
      offset = new double[cohorts.length];
      for (int c = 0; c < cohorts.length; c++) {
        Cohort h = cohorts[c];
        for (int k = 0; k < n; k++) {
          coef[c * 2 * n + 2 * k] = 2 * h.logCos()[k];
          coef[c * 2 * n + 2 * k + 1] = 2 * h.logSin()[k];
        }
        offset[c] = h.share() > 0 ? Math.log(h.share()) : Double.NEGATIVE_INFINITY;
      }
    }
  }

  /** No information: the flat curve. */
  public static PopulationPrior empty() {
    return new PopulationPrior(new double[0], new double[0], 0, new Cohort[0]);
  }

  /** A builder of the population average only (no cohorts). */
  public static Builder builder() {
    return new Builder(RecipientState.DEFAULT_HARMONICS, 0, null);
  }

  /**
   * A builder that also learns {@code config.cohorts()} cohorts (none if ≤ 1), using the config's
   * smoothing, uniform mix, prior strength and cohort temperature.
   */
  public static Builder builder(ModelConfig config) {
    Objects.requireNonNull(config, "config");
    return new Builder(RecipientState.DEFAULT_HARMONICS, config.cohorts(), config);
  }

  public boolean isEmpty() {
    return members == 0;
  }

  public long members() {
    return members;
  }

  public int harmonics() {
    return cos.length;
  }

  /**
   * Number of learned cohorts (0 = population average only). The mixture also has a background
   * component, the population average itself, reported as cohort {@value #BACKGROUND}.
   */
  public int cohortCount() {
    return Math.max(0, cohorts.length - 1);
  }

  /** Index of the background component (the population average) in {@link CohortWeight}. */
  public static final int BACKGROUND = -1;

  /** The population share of the background component (recipients no cohort explains). */
  public double backgroundShare() {
    return cohorts.length == 0 ? 1 : cohorts[cohorts.length - 1].share();
  }

  /** The population share of each learned cohort. */
  public double[] cohortShares() {
    double[] s = new double[cohortCount()];
    for (int c = 0; c < s.length; c++) {
      s[c] = cohorts[c].share();
    }
    return s;
  }

  /** The population average alone, without cohorts. */
  public PopulationPrior populationOnly() {
    return cohorts.length == 0 ? this : new PopulationPrior(cos, sin, members, new Cohort[0]);
  }

  /** The prior of cohort {@code c} alone (its curve, for inspection and charts). */
  public PopulationPrior cohort(int c) {
    Cohort h = cohorts[c];
    return new PopulationPrior(h.cos(), h.sin(), Math.round(h.members()), new Cohort[0]);
  }

  double cos(int k) {
    return cos[k - 1];
  }

  double sin(int k) {
    return sin[k - 1];
  }

  /**
   * The prior for a recipient whose normalised measure is {@code (a, b)} (harmonics 1..n, 0-based
   * arrays) with decayed evidence {@code evidence}: the population average when there are no
   * cohorts or no evidence, else the responsibility-weighted mixture of cohorts.
   */
  Mix mixFor(double[] a, double[] b, double evidence, double temperature, int topN) {
    if (cohorts.length == 0 || !(evidence > 0) || a == null) {
      return new Mix(cos, sin, List.of());
    }
    double[] r = new double[cohorts.length];
    double[] x = interleave(a, b, likelihood.n, new double[2 * likelihood.n]);
    responsibilities(cohorts, likelihood, x, evidence, temperature, r);
    int n = cos.length;
    double[] ma = new double[n];
    double[] mb = new double[n];
    double total = 0;
    for (int c = 0; c < cohorts.length; c++) {
      if (r[c] >= MIN_RESPONSIBILITY) {
        total += r[c];
      }
    }
    for (int c = 0; c < cohorts.length; c++) {
      if (r[c] < MIN_RESPONSIBILITY) {
        continue;
      }
      double w = r[c] / total;
      double[] cc = cohorts[c].cos();
      double[] cs = cohorts[c].sin();
      for (int k = 0; k < n; k++) {
        ma[k] += w * cc[k];
        mb[k] += w * cs[k];
      }
    }
    return new Mix(ma, mb, top(r, topN));
  }

  /** The largest responsibilities; the last component is the background (reported as -1). */
  private static List<CohortWeight> top(double[] r, int topN) {
    List<CohortWeight> out = new ArrayList<>(topN);
    boolean[] used = new boolean[r.length];
    for (int t = 0; t < Math.min(topN, r.length); t++) {
      int best = -1;
      for (int c = 0; c < r.length; c++) {
        if (!used[c] && (best < 0 || r[c] > r[best])) {
          best = c;
        }
      }
      used[best] = true;
      out.add(new CohortWeight(best == r.length - 1 ? BACKGROUND : best, r[best]));
    }
    return List.copyOf(out);
  }

  /**
   * {@code r_c ∝ share_c · exp(β · m · ℓ_c)} with {@code ℓ_c = logConst_c + 2 Σ_k (logCos_ck a_k +
   * logSin_ck b_k)}, the per-event log-likelihood (nats of lift) of the measure under cohort c.
   * Shared by learning (E-step) and decisions. {@code x} is the measure interleaved {@code (a_1,
   * b_1, a_2, b_2, ...)} over the likelihood harmonics.
   */
  private static void responsibilities(
      Cohort[] cohorts, Likelihood l, double[] x, double evidence, double temperature, double[] r) {
    int n2 = 2 * l.n;
    double[] coef = l.coef;
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < cohorts.length; c++) {
      if (l.offset[c] == Double.NEGATIVE_INFINITY) {
        r[c] = Double.NEGATIVE_INFINITY;
        continue;
      }
      int base = c * n2;
      // Four partial sums: a single accumulator serialises on the floating-point add latency.
      double d0 = 0;
      double d1 = 0;
      double d2 = 0;
      double d3 = 0;
      int k = 0;
      for (; k + 3 < n2; k += 4) {
        d0 += coef[base + k] * x[k];
        d1 += coef[base + k + 1] * x[k + 1];
        d2 += coef[base + k + 2] * x[k + 2];
        d3 += coef[base + k + 3] * x[k + 3];
      }
      for (; k < n2; k++) {
        d0 += coef[base + k] * x[k];
      }
      double ll = cohorts[c].logConst() + ((d0 + d1) + (d2 + d3));
      r[c] = l.offset[c] + temperature * evidence * ll;
      max = Math.max(max, r[c]);
    }
    double sum = 0;
    for (int c = 0; c < cohorts.length; c++) {
      r[c] = r[c] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(r[c] - max);
      sum += r[c];
    }
    for (int c = 0; c < cohorts.length; c++) {
      r[c] /= sum;
    }
  }

  /**
   * Responsibilities of one learning sample (cosine then sine coefficients, as stored), into {@code
   * r}; {@code a}, {@code b} and {@code xi} are reused buffers.
   */
  static void sampleResponsibilities(
      float[] x,
      double evidence,
      Cohort[] cohorts,
      Likelihood lk,
      double[] a,
      double[] b,
      double[] xi,
      double temperature,
      double[] r) {
    int h = a.length;
    for (int q = 0; q < h; q++) {
      a[q] = x[q];
      b[q] = x[h + q];
    }
    responsibilities(cohorts, lk, interleave(a, b, lk.n, xi), evidence, temperature, r);
  }

  private static double[] interleave(double[] a, double[] b, int n, double[] x) {
    int m = Math.min(n, a.length);
    for (int k = 0; k < m; k++) {
      x[2 * k] = a[k];
      x[2 * k + 1] = b[k];
    }
    return x;
  }

  /**
   * Layout v1 (no cohorts): version byte, harmonics (u16), members (i64), harmonics x (cos f64, sin
   * f64). Layout v2 (cohorts): the same with version 2, then component count (u16, the cohorts plus
   * the background, which is last) and per component: share (f64), members (f64), log constant
   * (f64), harmonics x (cos, sin, log cos, log sin; f64).
   */
  public byte[] toBytes() {
    int h = cos.length;
    int size = 1 + 2 + 8 + 16 * h;
    if (cohorts.length > 0) {
      size += 2 + cohorts.length * (24 + 32 * h);
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(cohorts.length > 0 ? FORMAT_VERSION : 1);
    b.putShort((short) h);
    b.putLong(members);
    for (int k = 0; k < h; k++) {
      b.putDouble(cos[k]);
      b.putDouble(sin[k]);
    }
    if (cohorts.length > 0) {
      b.putShort((short) cohorts.length);
      for (Cohort c : cohorts) {
        b.putDouble(c.share());
        b.putDouble(c.members());
        b.putDouble(c.logConst());
        for (int k = 0; k < h; k++) {
          b.putDouble(c.cos()[k]);
          b.putDouble(c.sin()[k]);
          b.putDouble(c.logCos()[k]);
          b.putDouble(c.logSin()[k]);
        }
      }
    }
    return b.array();
  }

  /** Reads v1 (population average only) and v2 (with cohorts); rejects anything else. */
  public static PopulationPrior fromBytes(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length < 11 || (bytes[0] != 1 && bytes[0] != 2)) {
      throw new IllegalArgumentException("not a v1 or v2 population prior");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte version = b.get();
    int k = Short.toUnsignedInt(b.getShort());
    if (version == 1 && bytes.length != 11 + 16 * k) {
      throw new IllegalArgumentException("population prior length does not match its harmonics");
    }
    if (version == 2 && bytes.length < 13 + 16 * k) {
      throw new IllegalArgumentException("truncated v2 population prior");
    }
    long members = b.getLong();
    double[] c = new double[k];
    double[] s = new double[k];
    for (int i = 0; i < k; i++) {
      c[i] = b.getDouble();
      s[i] = b.getDouble();
    }
    Cohort[] cohorts = new Cohort[0];
    if (version == 2) {
      int n = Short.toUnsignedInt(b.getShort());
      if (n < 2 || bytes.length != 13 + 16 * k + n * (24 + 32 * k)) {
        throw new IllegalArgumentException("v2 population prior length does not match its cohorts");
      }
      cohorts = new Cohort[n];
      for (int j = 0; j < n; j++) {
        double share = b.getDouble();
        double cm = b.getDouble();
        double lc = b.getDouble();
        double[] cc = new double[k];
        double[] cs = new double[k];
        double[] lcs = new double[k];
        double[] lss = new double[k];
        for (int i = 0; i < k; i++) {
          cc[i] = b.getDouble();
          cs[i] = b.getDouble();
          lcs[i] = b.getDouble();
          lss[i] = b.getDouble();
        }
        cohorts[j] = new Cohort(cc, cs, share, cm, lc, lcs, lss);
      }
    }
    return new PopulationPrior(c, s, members, cohorts);
  }

  /** Accumulates members; not thread-safe. */
  public static final class Builder {
    private final double[] cos;
    private final double[] sin;
    private final int k;
    private final ModelConfig config;
    private long members;
    private final List<float[]> sample = new ArrayList<>();
    private final List<Double> sampleEvidence = new ArrayList<>();
    private final SplittableRandom reservoir = new SplittableRandom(0x5EED_C0407L);

    private Builder(int harmonics, int cohorts, ModelConfig config) {
      cos = new double[harmonics];
      sin = new double[harmonics];
      this.k = cohorts;
      this.config = config;
    }

    /**
     * Adds one recipient with its normalised measure and its current evidence ({@link
     * RecipientState#mass()}: decay the state to the learning time first); recipients without
     * evidence are skipped.
     */
    public Builder add(RecipientState state) {
      if (state == null || state.isEmpty()) {
        return this;
      }
      int h = Math.min(cos.length, state.harmonics());
      for (int i = 1; i <= h; i++) {
        cos[i - 1] += state.normalisedCos(i);
        sin[i - 1] += state.normalisedSin(i);
      }
      members++;
      if (k > 1) {
        float[] x = new float[2 * cos.length];
        for (int i = 1; i <= h; i++) {
          x[i - 1] = (float) state.normalisedCos(i);
          x[cos.length + i - 1] = (float) state.normalisedSin(i);
        }
        if (sample.size() < MAX_LEARNING_SAMPLE) {
          sample.add(x);
          sampleEvidence.add(state.mass());
        } else {
          long j = reservoir.nextLong(members);
          if (j < MAX_LEARNING_SAMPLE) {
            sample.set((int) j, x);
            sampleEvidence.set((int) j, state.mass());
          }
        }
      }
      return this;
    }

    public long members() {
      return members;
    }

    public PopulationPrior build() {
      if (members == 0) {
        return empty();
      }
      double[] c = new double[cos.length];
      double[] s = new double[sin.length];
      for (int i = 0; i < c.length; i++) {
        c[i] = cos[i] / members;
        s[i] = sin[i] / members;
      }
      Cohort[] cohorts = new Cohort[0];
      if (k > 1 && sample.size() >= 2L * k) {
        cohorts = CohortEm.learn(sample, sampleEvidence, new double[][] {c, s}, k, config, members);
      }
      return new PopulationPrior(c, s, members, cohorts);
    }
  }

  /** A cohort with the Fourier coefficients of the log of its smoothed lift curve. */
  static Cohort withLogCoefficients(
      double[] cc, double[] cs, double share, double memberCount, ModelConfig config) {
    PopulationPrior self = new PopulationPrior(cc, cs, 1, new Cohort[0]);
    double[] grid = EngagementCurve.ofPrior(self, config).grid();
    int n = grid.length;
    double[] re = new double[n];
    double[] im = new double[n];
    for (int j = 0; j < n; j++) {
      re[j] = Math.log(grid[j] * W);
    }
    // inverse() computes sum_j x_j e^{+2 pi i jk/n}: re = sum x cos, im = sum x sin.
    FFT.inverse(re, im);
    int h = cc.length;
    double[] lc = new double[h];
    double[] ls = new double[h];
    for (int k = 1; k <= h; k++) {
      lc[k - 1] = re[k] / n;
      ls[k - 1] = im[k] / n;
    }
    return new Cohort(cc, cs, share, memberCount, re[0] / n, lc, ls);
  }
}
