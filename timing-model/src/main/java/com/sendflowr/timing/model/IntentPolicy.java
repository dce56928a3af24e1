package com.sendflowr.timing.model;

import java.util.Objects;

/**
 * How much autonomy an intent grants the model: below {@code confidenceThreshold} the decision uses
 * {@code fallback} and is labelled as such.
 */
public record IntentPolicy(String intentId, double confidenceThreshold, FallbackPolicy fallback) {

  public static final double DEFAULT_CONFIDENCE_THRESHOLD = 0.2;

  public IntentPolicy {
    Objects.requireNonNull(intentId, "intentId");
    Objects.requireNonNull(fallback, "fallback");
    if (!(confidenceThreshold >= 0 && confidenceThreshold <= 1)) {
      throw new IllegalArgumentException("confidenceThreshold must be in [0, 1]");
    }
  }

  public static IntentPolicy defaults(String intentId) {
    return new IntentPolicy(
        intentId, DEFAULT_CONFIDENCE_THRESHOLD, FallbackPolicy.POPULATION_PRIOR);
  }
}
