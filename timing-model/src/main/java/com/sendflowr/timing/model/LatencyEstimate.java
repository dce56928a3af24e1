package com.sendflowr.timing.model;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a message takes from trigger to arrival, and where that number came from.
 *
 * @param detail human-readable provenance, e.g. "hour 09 UTC, 412 deliveries"
 */
public record LatencyEstimate(Duration value, Source source, String detail) {

  /** Provenance of a latency estimate; always reported in explanations. */
  public enum Source {
    /** Learned from delivery feedback for this hour of the day. */
    LEARNED_HOURLY,
    /** Learned from delivery feedback, all hours pooled (too few samples for the hour). */
    LEARNED_POOLED,
    /** A configured default: no feedback yet. */
    CONFIGURED_DEFAULT,
    /** Supplied by the caller (tests, backtests, an operator override). */
    FIXED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public LatencyEstimate {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(source, "source");
    if (value.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative");
    }
    detail = detail == null ? "" : detail;
  }

  public static LatencyEstimate fixed(Duration value, String detail) {
    return new LatencyEstimate(value, Source.FIXED, detail);
  }

  public double seconds() {
    return value.toMillis() / 1000.0;
  }
}
