package com.sendflowr.timing.tools;

import com.sendflowr.timing.model.WeightedDraw;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The simulator's reference policy: what is achievable at all from a recipient's history. It is the
 * Bayes decision under the simulator's own rhythm family: the posterior over {@link
 * SimulatedRhythm}'s parameters given the exact start times of the recipient's sessions since its
 * last routine change, sampled by Markov chain Monte Carlo, and the arrival minute that maximises
 * the posterior-mean response.
 *
 * <p>It is given more than any real policy has (the true prior of the world, session starts instead
 * of bursts of events, where the routine changed), so no policy learning from the same recipients'
 * signals should be expected to beat it; it is a diagnostic, not something the engine could run.
 *
 * <p>Sampler: reversible-jump Metropolis–Hastings over the number of daily peaks (birth and death),
 * random walks on every continuous parameter, independence proposals for peak centres (half from
 * the prior, half near the sessions' local times), and time-zone moves that keep the peaks' UTC
 * times or their local times. Several chains from independent starts; deterministic for a seed.
 */
final class RhythmPosterior {

  static final int CHAINS = 4;

  private static final int WEEK = SimulatedRhythm.WEEK;
  private static final int DAY = SimulatedRhythm.DAY;
  private static final double CENTRE_LOG_DENSITY =
      -Math.log(SimulatedRhythm.ANCHORS.length * 2 * SimulatedRhythm.ANCHOR_SPREAD);

  /** Log density of one peak's width and weight, both uniform on their ranges. */
  private static final double PEAK_SHAPE_LOG_DENSITY =
      -Math.log(SimulatedRhythm.SIGMA_RANGE * SimulatedRhythm.WEIGHT_RANGE);

  private static final double KDE_SIGMA = 20;

  private final double[] sessions;
  private final double dayNoise;
  private final double responseMinutes;
  private final SplittableRandom r;

  /**
   * @param sessionMinutes start of each session as a fractional UTC minute of the week
   * @param dayNoise the world's weekday noise (part of the prior)
   * @param responseMinutes the world's attention window
   */
  RhythmPosterior(double[] sessionMinutes, double dayNoise, double responseMinutes, long seed) {
    this.sessions = sessionMinutes.clone();
    this.dayNoise = dayNoise;
    this.responseMinutes = responseMinutes;
    this.r = new SplittableRandom(seed);
  }

  /**
   * Posterior mean of the normalised response (attention / its weekly maximum) at every minute of
   * the UTC week, from {@code samples} draws spread over {@link #CHAINS} chains of {@code
   * iterations / CHAINS} steps each, the first quarter of every chain discarded.
   */
  double[] expectedResponse(int iterations, int samples) {
    double[] mean = new double[WEEK];
    int[] drawn = {0};
    sample(
        iterations,
        samples,
        x -> {
          double[] attention = SimulatedRhythm.attention(x.density(), responseMinutes);
          double max = Simulator.max(attention);
          for (int m = 0; m < WEEK; m++) {
            mean[m] += attention[m] / max;
          }
          drawn[0]++;
        });
    for (int m = 0; m < WEEK; m++) {
      mean[m] /= drawn[0];
    }
    return mean;
  }

  /**
   * Runs the {@link #CHAINS} chains of {@code iterations / CHAINS} steps each and hands about
   * {@code samples} evenly spaced states after each chain's first quarter to {@code draw}.
   */
  void sample(int iterations, int samples, Consumer<SimulatedRhythm> draw) {
    int steps = Math.max(4, iterations / CHAINS);
    int burnIn = steps / 4;
    int perChain = Math.max(1, samples / CHAINS);
    int thin = Math.max(1, (steps - burnIn) / perChain);
    for (int chain = 0; chain < CHAINS; chain++) {
      SimulatedRhythm x = start();
      double logPrior = logPrior(x);
      double logLik = logLikelihood(x);
      for (int step = 0; step < steps; step++) {
        Proposal p = propose(x);
        if (p != null) {
          double lp = logPrior(p.rhythm);
          if (lp != Double.NEGATIVE_INFINITY) {
            double ll = logLikelihood(p.rhythm);
            double a = ll + lp - logLik - logPrior + p.logHastings;
            if (a >= 0 || Math.log(r.nextDouble()) < a) {
              x = p.rhythm;
              logPrior = lp;
              logLik = ll;
            }
          }
        }
        if (step >= burnIn && (step - burnIn) % thin == 0) {
          draw.accept(x);
        }
      }
    }
  }

  /** The offset (minutes from {@code firstMinute}) of the best of {@code count} minutes. */
  static int bestOffset(double[] weekly, int firstMinute, int count) {
    int best = 0;
    for (int i = 1; i < count; i++) {
      if (weekly[Math.floorMod(firstMinute + i, WEEK)]
          > weekly[Math.floorMod(firstMinute + best, WEEK)]) {
        best = i;
      }
    }
    return best;
  }

  double logLikelihood(SimulatedRhythm x) {
    double ll = 0;
    for (double t : sessions) {
      ll += Math.log(x.densityAt(t));
    }
    return ll;
  }

  /**
   * Log prior density, the simulator's draw parameter by parameter, up to a constant that does not
   * depend on the number of peaks (so birth and death moves can compare dimensions).
   */
  static double logPrior(SimulatedRhythm x) {
    int peaks = x.peaks();
    if (peaks < 1 || peaks > SimulatedRhythm.PEAK_COUNT_WEIGHTS.length) {
      return Double.NEGATIVE_INFINITY;
    }
    double lp =
        Math.log(SimulatedRhythm.TIME_ZONE_WEIGHTS[x.timeZoneIndex])
            + Math.log(SimulatedRhythm.PEAK_COUNT_WEIGHTS[peaks - 1]);
    for (int p = 0; p < peaks; p++) {
      lp += centreLogPrior(x.centre[p]) + PEAK_SHAPE_LOG_DENSITY;
      if (!within(x.sigma[p], SimulatedRhythm.MIN_SIGMA, SimulatedRhythm.SIGMA_RANGE)
          || !within(x.weight[p], SimulatedRhythm.MIN_WEIGHT, SimulatedRhythm.WEIGHT_RANGE)) {
        return Double.NEGATIVE_INFINITY;
      }
    }
    if (!within(
            x.weekendLevel, SimulatedRhythm.MIN_WEEKEND_LEVEL, SimulatedRhythm.WEEKEND_LEVEL_RANGE)
        || !within(
            x.weekendShift,
            SimulatedRhythm.MIN_WEEKEND_SHIFT,
            SimulatedRhythm.WEEKEND_SHIFT_RANGE)) {
      return Double.NEGATIVE_INFINITY;
    }
    for (double g : x.dayDeviate) {
      lp -= 0.5 * g * g;
    }
    return lp;
  }

  private static boolean within(double v, double least, double width) {
    return v >= least && v <= least + width;
  }

  /** A peak centre is uniform on the union of the anchors' ± spread intervals (local minutes). */
  static double centreLogPrior(double c) {
    for (double a : SimulatedRhythm.ANCHORS) {
      if (Math.abs(c - a) <= SimulatedRhythm.ANCHOR_SPREAD) {
        return CENTRE_LOG_DENSITY;
      }
    }
    return Double.NEGATIVE_INFINITY;
  }

  private record Proposal(SimulatedRhythm rhythm, double logHastings) {}

  private SimulatedRhythm start() {
    int tz = SimulatedRhythm.drawTimeZone(r);
    int peaks = 1 + WeightedDraw.index(r, SimulatedRhythm.PEAK_COUNT_WEIGHTS);
    double[] centre = new double[peaks];
    double[] sigma = new double[peaks];
    double[] weight = new double[peaks];
    // From the prior, so every chain starts where the prior density is positive.
    for (int p = 0; p < peaks; p++) {
      centre[p] = SimulatedRhythm.drawCentre(r);
      sigma[p] = SimulatedRhythm.drawSigma(r);
      weight[p] = SimulatedRhythm.drawWeight(r);
    }
    double level = SimulatedRhythm.MIN_WEEKEND_LEVEL + 0.5 * SimulatedRhythm.WEEKEND_LEVEL_RANGE;
    double shift = SimulatedRhythm.MIN_WEEKEND_SHIFT + 0.5 * SimulatedRhythm.WEEKEND_SHIFT_RANGE;
    return new SimulatedRhythm(tz, centre, sigma, weight, level, shift, new double[7], dayNoise);
  }

  private Proposal propose(SimulatedRhythm x) {
    int peaks = x.peaks();
    int tz = x.timeZoneMinutes();
    double[] centre = x.centre.clone();
    double[] sigma = x.sigma.clone();
    double[] weight = x.weight.clone();
    double level = x.weekendLevel;
    double shift = x.weekendShift;
    double[] deviate = x.dayDeviate.clone();
    int tzIndex = x.timeZoneIndex;
    double logHastings = 0;
    switch (r.nextInt(10)) {
      case 0, 1 -> centre[r.nextInt(peaks)] += 15 * SimulatedRhythm.gaussian(r);
      case 2 -> {
        int p = r.nextInt(peaks);
        sigma[p] += 6 * SimulatedRhythm.gaussian(r);
        weight[p] += 0.1 * SimulatedRhythm.gaussian(r);
      }
      case 3 -> {
        int p = r.nextInt(peaks);
        centre[p] = proposeCentre(tz);
        logHastings = Math.log(centreDensity(x.centre[p], tz) / centreDensity(centre[p], tz));
      }
      case 4 -> {
        return r.nextBoolean() ? birth(x) : death(x);
      }
      case 5 -> {
        // A new time zone. Half the time the peaks keep their UTC times (only the weekend
        // boundary moves: the move that data accept), half the time their local times (the move
        // that lets sparse recipients explore time zones at all).
        tzIndex = SimulatedRhythm.drawTimeZone(r);
        if (r.nextBoolean()) {
          int delta = SimulatedRhythm.TIME_ZONES[tzIndex] - tz;
          for (int p = 0; p < peaks; p++) {
            double c = centre[p] + delta;
            centre[p] = c - DAY * Math.floor(c / DAY);
          }
        }
        // Proposed from the time-zone prior: the proposal ratio cancels the prior ratio.
        logHastings =
            Math.log(SimulatedRhythm.TIME_ZONE_WEIGHTS[x.timeZoneIndex])
                - Math.log(SimulatedRhythm.TIME_ZONE_WEIGHTS[tzIndex]);
      }
      case 6 -> {
        level += 0.15 * SimulatedRhythm.gaussian(r);
        shift += 20 * SimulatedRhythm.gaussian(r);
      }
      default -> deviate[r.nextInt(7)] += 0.7 * SimulatedRhythm.gaussian(r);
    }
    return new Proposal(
        new SimulatedRhythm(tzIndex, centre, sigma, weight, level, shift, deviate, dayNoise),
        logHastings);
  }

  /**
   * Adds a peak at a random position: centre from the data-driven proposal, width and weight from
   * their priors. Birth and death are proposed with equal probability and pick positions uniformly,
   * so the Hastings term is the inverse of the new peak's proposal density.
   */
  private Proposal birth(SimulatedRhythm x) {
    int peaks = x.peaks();
    if (peaks == SimulatedRhythm.PEAK_COUNT_WEIGHTS.length) {
      return null;
    }
    int at = r.nextInt(peaks + 1);
    double c = proposeCentre(x.timeZoneMinutes());
    double s = SimulatedRhythm.drawSigma(r);
    double w = SimulatedRhythm.drawWeight(r);
    SimulatedRhythm y =
        new SimulatedRhythm(
            x.timeZoneIndex,
            insert(x.centre, at, c),
            insert(x.sigma, at, s),
            insert(x.weight, at, w),
            x.weekendLevel,
            x.weekendShift,
            x.dayDeviate,
            dayNoise);
    return new Proposal(
        y, -Math.log(centreDensity(c, x.timeZoneMinutes())) - PEAK_SHAPE_LOG_DENSITY);
  }

  private Proposal death(SimulatedRhythm x) {
    int peaks = x.peaks();
    if (peaks == 1) {
      return null;
    }
    int at = r.nextInt(peaks);
    SimulatedRhythm y =
        new SimulatedRhythm(
            x.timeZoneIndex,
            remove(x.centre, at),
            remove(x.sigma, at),
            remove(x.weight, at),
            x.weekendLevel,
            x.weekendShift,
            x.dayDeviate,
            dayNoise);
    return new Proposal(
        y, Math.log(centreDensity(x.centre[at], x.timeZoneMinutes())) + PEAK_SHAPE_LOG_DENSITY);
  }

  private static double[] insert(double[] a, int at, double v) {
    double[] out = new double[a.length + 1];
    System.arraycopy(a, 0, out, 0, at);
    out[at] = v;
    System.arraycopy(a, at, out, at + 1, a.length - at);
    return out;
  }

  private static double[] remove(double[] a, int at) {
    double[] out = new double[a.length - 1];
    System.arraycopy(a, 0, out, 0, at);
    System.arraycopy(a, at + 1, out, at, a.length - at - 1);
    return out;
  }

  /** Half from the centre prior, half a session's local time of day plus Gaussian jitter. */
  private double proposeCentre(int tz) {
    if (sessions.length == 0 || r.nextBoolean()) {
      return SimulatedRhythm.drawCentre(r);
    }
    double c = localMinuteOfDay(sessions[r.nextInt(sessions.length)], tz);
    c += KDE_SIGMA * SimulatedRhythm.gaussian(r);
    return c - DAY * Math.floor(c / DAY);
  }

  /** Density of {@link #proposeCentre} at {@code c}. */
  private double centreDensity(double c, int tz) {
    double prior = Math.exp(centreLogPrior(c));
    if (sessions.length == 0) {
      return prior;
    }
    double kde = 0;
    for (double t : sessions) {
      double z = c - localMinuteOfDay(t, tz);
      z -= DAY * Math.rint(z / DAY);
      kde += Math.exp(-0.5 * z * z / (KDE_SIGMA * KDE_SIGMA));
    }
    kde /= sessions.length * KDE_SIGMA * Math.sqrt(2 * Math.PI);
    return 0.5 * prior + 0.5 * kde;
  }

  private static double localMinuteOfDay(double utcMinuteOfWeek, int tz) {
    return SimulatedRhythm.localMinuteOfWeek(utcMinuteOfWeek, tz) % DAY;
  }
}
