package com.sendflowr.timing.model;

import java.time.Duration;
import java.time.Instant;

/**
 * Expected trigger-to-arrival latency for a dispatch at a given instant. Time is an input because
 * ESP queues are slower at campaign rush hours than at night.
 */
@FunctionalInterface
public interface LatencyModel {

  LatencyEstimate estimateAt(Instant dispatchAt);

  /** A constant, for tests and backtests where arrival time is what is being scored. */
  static LatencyModel fixed(Duration value, String detail) {
    LatencyEstimate e = LatencyEstimate.fixed(value, detail);
    return at -> e;
  }
}
