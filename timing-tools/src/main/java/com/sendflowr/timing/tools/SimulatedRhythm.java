package com.sendflowr.timing.tools;

import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.timing.model.WeightedDraw;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One routine of a simulated recipient, and the family it is drawn from: one to three daily peaks
 * (commute, lunch, evening) in local time, 15 to 60 minutes wide; a weekday routine whose days
 * differ by a little log-normal noise; a weekend level of its own and later weekend peaks; 10 % of
 * activity at random times.
 *
 * <p>The simulator draws personas from this family and {@link RhythmPosterior} uses the same
 * constants as its prior, so the reference policy knows exactly the world the data came from.
 * Immutable; the posterior sampler builds modified copies.
 */
final class SimulatedRhythm {

  static final int WEEK = MinuteOfWeek.MINUTES_PER_WEEK;
  static final int DAY = 1440;

  /** UTC offsets in minutes (US/EU heavy) and their relative frequencies. */
  static final int[] TIME_ZONES = {-480, -420, -360, -300, -180, 0, 60, 120, 330, 480, 540, 600};

  static final double[] TIME_ZONE_WEIGHTS = {12, 4, 10, 20, 3, 12, 16, 6, 6, 5, 4, 2};

  /** Relative frequencies of one, two and three daily peaks. */
  static final double[] PEAK_COUNT_WEIGHTS = {4, 4, 2};

  /** Local times a peak centres on (07:30, 12:30, 18:00, 21:00), each ± {@link #ANCHOR_SPREAD}. */
  static final double[] ANCHORS = {7.5 * 60, 12.5 * 60, 18 * 60, 21 * 60};

  static final double ANCHOR_SPREAD = 90;

  // Uniform ranges as (least, width): the widths are written out so that draws stay bit-identical.
  static final double MIN_SIGMA = 15;
  static final double SIGMA_RANGE = 45;
  static final double MIN_WEIGHT = 0.3;
  static final double WEIGHT_RANGE = 0.7;
  static final double MIN_WEEKEND_LEVEL = 0.4;
  static final double WEEKEND_LEVEL_RANGE = 1.0;
  static final double MIN_WEEKEND_SHIFT = 30;
  static final double WEEKEND_SHIFT_RANGE = 120;

  /** Share of activity at uniformly random times. */
  static final double BACKGROUND = 0.1;

  private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);

  final int timeZoneIndex;
  final double[] centre;
  final double[] sigma;
  final double[] weight;
  final double weekendLevel;
  final double weekendShift;

  /** Standard-normal deviate of each local weekday's level; scaled by {@link #dayNoise}. */
  final double[] dayDeviate;

  final double dayNoise;

  private final double[] dayLevels = new double[7];
  private final double normaliser;

  SimulatedRhythm(
      int timeZoneIndex,
      double[] centre,
      double[] sigma,
      double[] weight,
      double weekendLevel,
      double weekendShift,
      double[] dayDeviate,
      double dayNoise) {
    this.timeZoneIndex = timeZoneIndex;
    this.centre = centre;
    this.sigma = sigma;
    this.weight = weight;
    this.weekendLevel = weekendLevel;
    this.weekendShift = weekendShift;
    this.dayDeviate = dayDeviate;
    this.dayNoise = dayNoise;
    double weights = 0;
    for (double w : weight) {
      weights += w;
    }
    double days = 0;
    for (int d = 0; d < 7; d++) {
      dayLevels[d] = (d >= 5 ? weekendLevel : 1.0) * Math.exp(dayNoise * dayDeviate[d]);
      days += dayLevels[d];
    }
    normaliser = SQRT_2PI * weights * days;
  }

  static int drawTimeZone(SplittableRandom r) {
    return WeightedDraw.index(r, TIME_ZONE_WEIGHTS);
  }

  /** Draws a routine in the given time zone (the draw order is part of the seeds' contract). */
  static SimulatedRhythm draw(SplittableRandom r, int timeZoneIndex, double dayNoise) {
    int peaks = 1 + WeightedDraw.index(r, PEAK_COUNT_WEIGHTS);
    double[] centre = new double[peaks];
    double[] sigma = new double[peaks];
    double[] weight = new double[peaks];
    for (int p = 0; p < peaks; p++) {
      centre[p] = drawCentre(r);
      sigma[p] = drawSigma(r);
      weight[p] = drawWeight(r);
    }
    double weekend = MIN_WEEKEND_LEVEL + r.nextDouble() * WEEKEND_LEVEL_RANGE;
    double[] deviate = new double[7];
    for (int d = 0; d < 7; d++) {
      deviate[d] = gaussian(r);
    }
    double shift = MIN_WEEKEND_SHIFT + r.nextDouble() * WEEKEND_SHIFT_RANGE;
    return new SimulatedRhythm(
        timeZoneIndex, centre, sigma, weight, weekend, shift, deviate, dayNoise);
  }

  /** A peak's local centre: an anchor time ± the spread, uniformly. */
  static double drawCentre(SplittableRandom r) {
    return ANCHORS[r.nextInt(ANCHORS.length)]
        + (r.nextDouble() * 2 * ANCHOR_SPREAD - ANCHOR_SPREAD);
  }

  static double drawSigma(SplittableRandom r) {
    return MIN_SIGMA + r.nextDouble() * SIGMA_RANGE;
  }

  static double drawWeight(SplittableRandom r) {
    return MIN_WEIGHT + r.nextDouble() * WEIGHT_RANGE;
  }

  /** Running sums of a density over the week, for {@link #sampleMinute}. */
  static double[] cumulative(double[] density) {
    double[] c = new double[density.length];
    double acc = 0;
    for (int m = 0; m < density.length; m++) {
      acc += density[m];
      c[m] = acc;
    }
    return c;
  }

  /** A fractional minute of the week drawn from the density whose running sums are given. */
  static double sampleMinute(SplittableRandom r, double[] cumulative) {
    double u = r.nextDouble() * cumulative[cumulative.length - 1];
    int i = Arrays.binarySearch(cumulative, u);
    int m = i >= 0 ? i : -i - 1;
    return Math.min(m, cumulative.length - 1) + r.nextDouble();
  }

  /** The local minute of the week, in [0, WEEK), of a UTC minute of the week. */
  static double localMinuteOfWeek(double utcMinuteOfWeek, int timeZoneMinutes) {
    double local = utcMinuteOfWeek + timeZoneMinutes;
    return local - WEEK * Math.floor(local / WEEK);
  }

  int timeZoneMinutes() {
    return TIME_ZONES[timeZoneIndex];
  }

  int peaks() {
    return centre.length;
  }

  /** Activity level of local weekday {@code d} (0 = Monday). */
  double dayLevel(int d) {
    return dayLevels[d];
  }

  /** The un-normalised daily profile at local minute-of-day {@code mod} of local weekday d. */
  private double profile(int d, double mod) {
    double shift = d >= 5 ? weekendShift : 0;
    double v = 0;
    for (int p = 0; p < centre.length; p++) {
      double x = mod - (centre[p] + shift);
      x -= DAY * Math.rint(x / DAY);
      v += weight[p] * Math.exp(-0.5 * x * x / (sigma[p] * sigma[p])) / sigma[p];
    }
    return dayLevel(d) * v;
  }

  /** Probability of each minute of the UTC week; sums to 1. */
  double[] density() {
    double[] density = new double[WEEK];
    double sum = 0;
    int tz = timeZoneMinutes();
    for (int m = 0; m < WEEK; m++) {
      int local = Math.floorMod(m + tz, WEEK);
      int d = local / DAY;
      density[m] = profile(d, local % DAY);
      sum += density[m];
    }
    for (int m = 0; m < WEEK; m++) {
      density[m] = (1 - BACKGROUND) * density[m] / sum + BACKGROUND / WEEK;
    }
    return density;
  }

  /**
   * The same density at a fractional UTC minute of the week, normalised analytically (each peak
   * integrates to weight·√(2π) per day), for likelihoods of exact event times.
   */
  double densityAt(double minuteOfWeek) {
    double local = localMinuteOfWeek(minuteOfWeek, timeZoneMinutes());
    int d = Math.min(6, (int) (local / DAY));
    return (1 - BACKGROUND) * profile(d, local - (double) DAY * d) / normaliser + BACKGROUND / WEEK;
  }

  /**
   * How attractive an arrival at each minute is: the activity over the following minutes,
   * discounted with an e-folding time of {@code responseMinutes} (0 = the arrival minute only).
   * Periodic: two backward passes carry the tail across the week boundary.
   */
  static double[] attention(double[] density, double responseMinutes) {
    double[] attention = new double[density.length];
    if (responseMinutes <= 0) {
      System.arraycopy(density, 0, attention, 0, density.length);
      return attention;
    }
    double keep = Math.exp(-1 / responseMinutes);
    double acc = 0;
    for (int pass = 0; pass < 2; pass++) {
      for (int m = density.length - 1; m >= 0; m--) {
        acc = density[m] * (1 - keep) + keep * acc;
        attention[m] = acc;
      }
    }
    return attention;
  }

  /** The same routine without its weekday noise: what could be learnt without luck. */
  SimulatedRhythm withoutDayNoise() {
    return new SimulatedRhythm(
        timeZoneIndex, centre, sigma, weight, weekendLevel, weekendShift, new double[7], 0);
  }

  static double gaussian(SplittableRandom r) {
    double u1 = 1 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
