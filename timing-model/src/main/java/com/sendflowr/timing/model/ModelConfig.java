package com.sendflowr.timing.model;

import com.sendflowr.contract.SignalType;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Every tunable of the timing model in one immutable value. The defaults were chosen with the
 * backtest on simulator output; docs/timing-model.md records the sweep.
 *
 * @param halfLife recency half-life of engagement evidence
 * @param smoothingMinutes standard deviation of the Gaussian kernel the curve is smoothed with
 * @param signalWeights evidence weight per engagement type; types absent here add nothing
 * @param priorStrength pseudo-events of prior (the recipient's cohort mixture, or the population
 *     average) mixed into every recipient curve
 * @param dayOfWeekEvidence decayed evidence at which half of a recipient's day-of-week specific
 *     structure is trusted; below it the recipient's curve leans on its own time-of-day profile
 *     pooled over all seven days (a few events cannot tell Tuesdays from Wednesdays)
 * @param responseLeadMinutes attention time tau of the response: a message arriving at t is scored
 *     by the engagement expected over the following minutes, {@code S(t) = integral of P(t + s)
 *     exp(-s / tau) ds / tau}, because it waits in the inbox for the recipient's next look and
 *     loses the top spot as time passes; 0 scores the activity at the arrival minute itself
 * @param uniformMix share of a flat curve mixed in, so no minute ever has zero density
 * @param evidenceHalfSaturation decayed evidence at which the evidence component of confidence is
 *     0.5
 * @param spreadTolerance minutes scoring at least {@code (1 - spreadTolerance) * best} count as
 *     near-optimal for shadow segmentation
 * @param spreadRadiusMinutes how far from the best minute shadow segmentation may move a send
 * @param runnersUp how many runner-up minutes an explanation lists
 * @param context which signal types act as hot paths or circuit breakers, and how strongly
 * @param cohorts number of archetype curves the prior learns (K); 0 or 1 = the population average
 *     only
 * @param cohortTemperature β of the cohort responsibilities {@code r_c ∝ share_c · exp(β · m ·
 *     ℓ_c)} (ℓ_c = the recipient's mean log-lift under cohort c, m = decayed evidence): 1 is the
 *     exact posterior if events were independent, smaller values keep the mixture softer
 * @param burstMinutes de-duplication of bursts: a signal arriving {@code Δ} after the recipient's
 *     previous one counts with weight {@code w · (1 - exp(-Δ / burstMinutes))}, so a burst of
 *     events minutes apart is worth about one observation of the time the person was active, while
 *     events hours apart count fully; 0 = every signal counts fully
 */
public record ModelConfig(
    Duration halfLife,
    double smoothingMinutes,
    Map<SignalType, Double> signalWeights,
    double priorStrength,
    double dayOfWeekEvidence,
    double responseLeadMinutes,
    double uniformMix,
    double evidenceHalfSaturation,
    double spreadTolerance,
    int spreadRadiusMinutes,
    int runnersUp,
    ContextRules context,
    int cohorts,
    double cohortTemperature,
    double burstMinutes) {

  /** Bumped whenever a default changes, so decisions say which model produced them. */
  public static final String MODEL_VERSION = "fourier-k240-v3";

  public static final Duration DEFAULT_HALF_LIFE = Duration.ofDays(21);
  public static final double DEFAULT_SMOOTHING_MINUTES = 30.0;
  public static final double DEFAULT_PRIOR_STRENGTH = 20.0;
  public static final double DEFAULT_DAY_OF_WEEK_EVIDENCE = 100.0;
  public static final double DEFAULT_RESPONSE_LEAD_MINUTES = 20.0;
  public static final int DEFAULT_COHORTS = 64;
  public static final double DEFAULT_COHORT_TEMPERATURE = 0.5;
  public static final double DEFAULT_BURST_MINUTES = 0;
  public static final double DEFAULT_UNIFORM_MIX = 0.02;

  public ModelConfig {
    Objects.requireNonNull(halfLife, "halfLife");
    if (halfLife.isNegative() || halfLife.isZero()) {
      throw new IllegalArgumentException("halfLife must be positive");
    }
    if (!(smoothingMinutes >= RecipientState.MIN_SMOOTHING_MINUTES) || smoothingMinutes > 1440) {
      throw new IllegalArgumentException(
          "smoothingMinutes must be in ["
              + RecipientState.MIN_SMOOTHING_MINUTES
              + ", 1440] but was "
              + smoothingMinutes);
    }
    signalWeights = Map.copyOf(new EnumMap<>(Objects.requireNonNull(signalWeights)));
    for (Map.Entry<SignalType, Double> e : signalWeights.entrySet()) {
      if (!(e.getValue() >= 0)) {
        throw new IllegalArgumentException("weight of " + e.getKey() + " must be >= 0");
      }
    }
    requireRange("priorStrength", priorStrength, 0, 1e6);
    requireRange("dayOfWeekEvidence", dayOfWeekEvidence, 0, 1e9);
    requireRange("responseLeadMinutes", responseLeadMinutes, 0, 1440);
    requireRange("uniformMix", uniformMix, 0, 1);
    requireRange("evidenceHalfSaturation", evidenceHalfSaturation, 1e-9, 1e6);
    requireRange("spreadTolerance", spreadTolerance, 0, 1);
    if (spreadRadiusMinutes < 0 || spreadRadiusMinutes > 720) {
      throw new IllegalArgumentException("spreadRadiusMinutes must be in [0, 720]");
    }
    if (runnersUp < 0 || runnersUp > 20) {
      throw new IllegalArgumentException("runnersUp must be in [0, 20]");
    }
    Objects.requireNonNull(context, "context");
    if (cohorts < 0 || cohorts > 256) {
      throw new IllegalArgumentException("cohorts must be in [0, 256]");
    }
    requireRange("cohortTemperature", cohortTemperature, 0, 100);
    requireRange("burstMinutes", burstMinutes, 0, 1440);
  }

  private static void requireRange(String name, double v, double lo, double hi) {
    if (!(v >= lo && v <= hi)) {
      throw new IllegalArgumentException(
          name + " must be in [" + lo + ", " + hi + "] but was " + v);
    }
  }

  /**
   * Clicks, conversions, replies and live activity dominate; opens are weak because Apple MPP
   * pre-fetches them at delivery time, not when a person reads.
   */
  public static Map<SignalType, Double> defaultSignalWeights() {
    EnumMap<SignalType, Double> w = new EnumMap<>(SignalType.class);
    w.put(SignalType.CLICK, 1.0);
    w.put(SignalType.CONVERSION, 1.5);
    w.put(SignalType.REPLY, 1.5);
    w.put(SignalType.SITE_VISIT, 0.8);
    w.put(SignalType.SMS_CLICK, 1.0);
    w.put(SignalType.APP_OPEN, 0.8);
    w.put(SignalType.OPEN, 0.1);
    return w;
  }

  public static ModelConfig defaults() {
    return new ModelConfig(
        DEFAULT_HALF_LIFE,
        DEFAULT_SMOOTHING_MINUTES,
        defaultSignalWeights(),
        DEFAULT_PRIOR_STRENGTH,
        DEFAULT_DAY_OF_WEEK_EVIDENCE,
        DEFAULT_RESPONSE_LEAD_MINUTES,
        DEFAULT_UNIFORM_MIX,
        4.0,
        0.03,
        30,
        3,
        ContextRules.defaults(),
        DEFAULT_COHORTS,
        DEFAULT_COHORT_TEMPERATURE,
        DEFAULT_BURST_MINUTES);
  }

  /** Evidence weight of a signal type; 0 for types that carry no timing evidence. */
  public double weightOf(SignalType type) {
    Double w = signalWeights.get(type);
    return w == null ? 0.0 : w;
  }

  public ModelConfig withHalfLife(Duration v) {
    return with(b -> b.halfLife = v);
  }

  public ModelConfig withSmoothingMinutes(double v) {
    return with(b -> b.smoothingMinutes = v);
  }

  public ModelConfig withSignalWeights(Map<SignalType, Double> v) {
    return with(b -> b.signalWeights = v);
  }

  public ModelConfig withPriorStrength(double v) {
    return with(b -> b.priorStrength = v);
  }

  public ModelConfig withDayOfWeekEvidence(double v) {
    return with(b -> b.dayOfWeekEvidence = v);
  }

  public ModelConfig withResponseLeadMinutes(double v) {
    return with(b -> b.responseLeadMinutes = v);
  }

  public ModelConfig withSpreadTolerance(double v) {
    return with(b -> b.spreadTolerance = v);
  }

  public ModelConfig withContext(ContextRules v) {
    return with(b -> b.context = v);
  }

  public ModelConfig withCohorts(int v) {
    return with(b -> b.cohorts = v);
  }

  public ModelConfig withCohortTemperature(double v) {
    return with(b -> b.cohortTemperature = v);
  }

  public ModelConfig withUniformMix(double v) {
    return with(b -> b.uniformMix = v);
  }

  public ModelConfig withBurstMinutes(double v) {
    return with(b -> b.burstMinutes = v);
  }

  /** A copy with some fields changed; the compact constructor validates the result. */
  private ModelConfig with(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  /** The mutable copy behind the withers, so a new field is added in one place. */
  private static final class Copy {
    Duration halfLife;
    double smoothingMinutes;
    Map<SignalType, Double> signalWeights;
    double priorStrength;
    double dayOfWeekEvidence;
    double responseLeadMinutes;
    double uniformMix;
    double evidenceHalfSaturation;
    double spreadTolerance;
    int spreadRadiusMinutes;
    int runnersUp;
    ContextRules context;
    int cohorts;
    double cohortTemperature;
    double burstMinutes;

    Copy(ModelConfig c) {
      halfLife = c.halfLife;
      smoothingMinutes = c.smoothingMinutes;
      signalWeights = c.signalWeights;
      priorStrength = c.priorStrength;
      dayOfWeekEvidence = c.dayOfWeekEvidence;
      responseLeadMinutes = c.responseLeadMinutes;
      uniformMix = c.uniformMix;
      evidenceHalfSaturation = c.evidenceHalfSaturation;
      spreadTolerance = c.spreadTolerance;
      spreadRadiusMinutes = c.spreadRadiusMinutes;
      runnersUp = c.runnersUp;
      context = c.context;
      cohorts = c.cohorts;
      cohortTemperature = c.cohortTemperature;
      burstMinutes = c.burstMinutes;
    }

    ModelConfig build() {
      return new ModelConfig(
          halfLife,
          smoothingMinutes,
          signalWeights,
          priorStrength,
          dayOfWeekEvidence,
          responseLeadMinutes,
          uniformMix,
          evidenceHalfSaturation,
          spreadTolerance,
          spreadRadiusMinutes,
          runnersUp,
          context,
          cohorts,
          cohortTemperature,
          burstMinutes);
    }
  }
}
