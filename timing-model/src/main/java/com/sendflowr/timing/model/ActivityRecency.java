package com.sendflowr.timing.model;

import com.sendflowr.contract.MinuteOfWeek;
import java.time.Instant;

/**
 * How much more likely a person is to be active soon after their last activity: a decaying hazard
 * on the scale of days, applied on top of the weekly curve when a decision compares the days of its
 * window.
 *
 * <p>Real activity is bursty: someone active yesterday is more likely to be active today than next
 * Friday, which the weekly curve (a long-run average over weeks) cannot say. The decision
 * multiplies its score at minute t by {@code 1 + boost · exp(-(t - last) / days)}, last = the
 * recipient's last activity; the factor only ranks minutes against each other, so the curve's shape
 * within a day is unchanged and a long-inactive person is left to the curve alone. Both numbers are
 * population-level: calibration chooses them on the history before the cutoff, and {@link #OFF}
 * (boost 0) is the engine without the term.
 *
 * @param boost extra hazard right after an activity, relative to the curve (0 = off)
 * @param days e-folding time of the extra hazard
 */
public record ActivityRecency(double boost, double days) {

  public static final ActivityRecency OFF = new ActivityRecency(0, 1);

  private static final double SECONDS_PER_DAY = 86_400;

  /** Window integrals are summed at this step (finer than the curve's grid is pointless). */
  private static final int INTEGRATION_STEP_MINUTES = 10;

  public ActivityRecency {
    if (!(boost >= 0 && boost <= 100)) {
      throw new IllegalArgumentException("recency boost must be in [0, 100] but was " + boost);
    }
    if (!(days > 0 && days <= 365)) {
      throw new IllegalArgumentException("recency days must be in (0, 365] but was " + days);
    }
  }

  public boolean isOff() {
    return boost == 0;
  }

  /**
   * The factor at {@code epochSecond} for a person last active at {@code lastActivityEpochSecond}
   * ({@code Long.MIN_VALUE} = never, factor 1). Minutes before the last activity get the full
   * boost: the person was active then.
   */
  public double factor(long lastActivityEpochSecond, long epochSecond) {
    if (isOff() || lastActivityEpochSecond == Long.MIN_VALUE) {
      return 1;
    }
    double ageDays = Math.max(0, epochSecond - lastActivityEpochSecond) / SECONDS_PER_DAY;
    return 1 + boost * Math.exp(-ageDays / days);
  }

  /**
   * The log2 lift of an event at {@code eventSecond} in the window {@code [fromSecond, toSecond)}
   * under {@code curve} times this factor, with the factor rescaled so the window keeps the curve's
   * mass: for a one-week window it is the log2 lift of the window's own density, and with the term
   * off it is {@link EngagementCurve#logLiftBits(double)}, so held-out likelihoods with and without
   * the term compare directly.
   *
   * @param norm {@link #windowNorm} of the same curve, person and window
   */
  public double logLiftBits(
      EngagementCurve curve, long lastActivityEpochSecond, long eventSecond, double norm) {
    double bits = curve.logLiftBits(MinuteOfWeek.fractionalOf(Instant.ofEpochSecond(eventSecond)));
    if (isOff() || lastActivityEpochSecond == Long.MIN_VALUE) {
      return bits;
    }
    return bits + Math.log(factor(lastActivityEpochSecond, eventSecond) / norm) / Math.log(2);
  }

  /**
   * The mean factor over the window weighted by the curve, {@code ∫ P·f / ∫ P}: dividing the factor
   * by it keeps the window's mass. 1 when off or with no activity.
   */
  public double windowNorm(
      EngagementCurve curve, long lastActivityEpochSecond, long fromSecond, long toSecond) {
    if (isOff() || lastActivityEpochSecond == Long.MIN_VALUE || toSecond <= fromSecond) {
      return 1;
    }
    double mass = 0;
    double weighted = 0;
    long step = INTEGRATION_STEP_MINUTES * 60L;
    for (long t = fromSecond + step / 2; t < toSecond; t += step) {
      double p = curve.gridDensity(MinuteOfWeek.fractionalOf(Instant.ofEpochSecond(t)));
      mass += p;
      weighted += p * factor(lastActivityEpochSecond, t);
    }
    return mass > 0 ? weighted / mass : 1;
  }
}
