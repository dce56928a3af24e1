package com.sendflowr.timing.model;

import java.util.SplittableRandom;

/**
 * Draws an index with probability proportional to its weight from a seeded stream: used by the
 * prior's k-means++ seeding and by the simulator, whose seeds must reproduce the same draws.
 */
public final class WeightedDraw {

  private WeightedDraw() {}

  /** An index in proportion to {@code weights}, or -1 when they do not sum to a positive number. */
  public static int index(SplittableRandom r, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    if (!(total > 0)) {
      return -1;
    }
    double u = r.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
