package com.sendflowr.timing.model;

import java.time.Instant;

/**
 * The result of one decision. For {@link DecisionOutcome#SCHEDULED}: {@code notBefore <= target <=
 * notAfter} and {@code trigger = target - latency} (never before the decision time). Otherwise
 * target, trigger and minute are absent (null / -1) and the explanation says why.
 */
public record TimingChoice(
    DecisionOutcome outcome,
    Instant target,
    int targetMinute,
    Instant trigger,
    LatencyEstimate latency,
    Confidence confidence,
    boolean fallback,
    Explanation explanation) {

  public boolean scheduled() {
    return outcome == DecisionOutcome.SCHEDULED;
  }

  public double confidenceScore() {
    return confidence.score();
  }
}
