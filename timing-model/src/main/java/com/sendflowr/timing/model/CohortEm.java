package com.sendflowr.timing.model;

import com.sendflowr.timing.model.PopulationPrior.Cohort;
import com.sendflowr.timing.model.PopulationPrior.Likelihood;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Learning of the prior's cohorts: EM for a mixture of weekly curves, split out of the prior. */
final class CohortEm {
  private CohortEm() {}

  /**
   * EM for a mixture of weekly curves. Each recipient counts once, weighted by {@code m / (m + κ)}
   * (the share its own history has in its curve), so heavy clickers do not dominate and sparse
   * recipients count less. Initialisation: seeded k-means++ on the smoothed coefficients, so the
   * result is a deterministic function of the input (and its order).
   */
  static PopulationPrior.Cohort[] learn(
      List<float[]> sample,
      List<Double> sampleEvidence,
      double[][] population,
      int k,
      ModelConfig config,
      long members) {
    int n = sample.size();
    int h = population[0].length;
    double kappa = config.priorStrength();
    double[] weight = new double[n];
    double[] evidence = new double[n];
    for (int i = 0; i < n; i++) {
      evidence[i] = sampleEvidence.get(i);
      weight[i] = evidence[i] / (evidence[i] + Math.max(kappa, 1e-9));
    }
    // k-means++ seeding on the smoothed coefficients (the noise at high harmonics is ignored).
    double[] g = new double[h];
    for (int i = 0; i < h; i++) {
      double x = RecipientState.OMEGA * (i + 1) * config.smoothingMinutes();
      g[i] = Math.exp(-0.5 * x * x);
    }
    SplittableRandom rnd = new SplittableRandom(0xC0407L + k);
    int[] seeds = new int[k];
    double[] d2 = new double[n];
    Arrays.fill(d2, Double.POSITIVE_INFINITY);
    seeds[0] = pick(rnd, weight, null);
    for (int j = 1; j < k; j++) {
      float[] prev = sample.get(seeds[j - 1]);
      double[] p = new double[n];
      for (int i = 0; i < n; i++) {
        float[] x = sample.get(i);
        double d = 0;
        for (int q = 0; q < h; q++) {
          double da = (x[q] - prev[q]) * g[q];
          double db = (x[h + q] - prev[h + q]) * g[q];
          d += da * da + db * db;
        }
        d2[i] = Math.min(d2[i], d);
        p[i] = d2[i] * weight[i];
      }
      seeds[j] = pick(rnd, p, weight);
    }
    // Component k is the background: the population average, fixed, with a learned share. A
    // recipient whose routine no cohort matches is explained by it (a broad curve) instead of
    // being forced into the nearest sharp cohort, and does not distort that cohort either.
    Cohort[] cur = new Cohort[k + 1];
    cur[k] =
        PopulationPrior.withLogCoefficients(population[0], population[1], 1.0 / (k + 1), 1, config);
    for (int j = 0; j < k; j++) {
      float[] x = sample.get(seeds[j]);
      double[] cc = new double[h];
      double[] cs = new double[h];
      for (int q = 0; q < h; q++) {
        cc[q] = x[q];
        cs[q] = x[h + q];
      }
      cur[j] = PopulationPrior.withLogCoefficients(cc, cs, 1.0 / (k + 1), 1, config);
    }
    double[] a = new double[h];
    double[] b = new double[h];
    double[] r = new double[k + 1];
    for (int it = 0; it < PopulationPrior.EM_ITERATIONS; it++) {
      double[][] sc = new double[k][h];
      double[][] ss = new double[k][h];
      double[] sw = new double[k + 1];
      double total = 0;
      Likelihood lk = new Likelihood(cur);
      double[] xi = new double[2 * lk.n];
      for (int i = 0; i < n; i++) {
        PopulationPrior.sampleResponsibilities(
            sample.get(i), evidence[i], cur, lk, a, b, xi, config.cohortTemperature(), r);
        sw[k] += r[k] * weight[i];
        for (int j = 0; j < k; j++) {
          double w = r[j] * weight[i];
          if (w < 1e-9) {
            continue;
          }
          sw[j] += w;
          double[] cj = sc[j];
          double[] sj = ss[j];
          for (int q = 0; q < h; q++) {
            cj[q] += w * a[q];
            sj[q] += w * b[q];
          }
        }
        total += weight[i];
      }
      Cohort[] next = new Cohort[k + 1];
      Cohort bg = cur[k];
      next[k] =
          new Cohort(bg.cos(), bg.sin(), sw[k] / total, 0, bg.logConst(), bg.logCos(), bg.logSin());
      for (int j = 0; j < k; j++) {
        if (sw[j] <= 1e-9) {
          // An empty cohort keeps its curve but takes no one.
          next[j] =
              new Cohort(
                  cur[j].cos(),
                  cur[j].sin(),
                  0,
                  0,
                  cur[j].logConst(),
                  cur[j].logCos(),
                  cur[j].logSin());
          continue;
        }
        for (int q = 0; q < h; q++) {
          sc[j][q] /= sw[j];
          ss[j][q] /= sw[j];
        }
        // Member counts are filled in after the last iteration.
        next[j] = PopulationPrior.withLogCoefficients(sc[j], ss[j], sw[j] / total, 0, config);
      }
      cur = next;
    }
    // Member counts: responsibility mass of the whole sample (unweighted), scaled to the members.
    double[] cnt = new double[k + 1];
    Likelihood lk = new Likelihood(cur);
    double[] xi = new double[2 * lk.n];
    for (int i = 0; i < n; i++) {
      PopulationPrior.sampleResponsibilities(
          sample.get(i), evidence[i], cur, lk, a, b, xi, config.cohortTemperature(), r);
      for (int j = 0; j <= k; j++) {
        cnt[j] += r[j];
      }
    }
    double scale = (double) members / n;
    for (int j = 0; j <= k; j++) {
      Cohort c = cur[j];
      cur[j] =
          new Cohort(
              c.cos(), c.sin(), c.share(), cnt[j] * scale, c.logConst(), c.logCos(), c.logSin());
    }
    return cur;
  }

  /** A weighted draw from {@code p}, or from {@code fallback} if p has no weight (else 0). */
  private static int pick(SplittableRandom rnd, double[] p, double[] fallback) {
    int i = WeightedDraw.index(rnd, p);
    if (i >= 0) {
      return i;
    }
    return fallback == null ? 0 : pick(rnd, fallback, null);
  }
}
