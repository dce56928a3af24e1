package com.sendflowr.timing.model;

/** What a decision falls back to when confidence is below the intent's threshold. */
public enum FallbackPolicy {
  /** The population prior's curve: the crowd's best minute, still minute-level. */
  POPULATION_PRIOR,
  /** The legacy hour-level projection of the recipient's curve (send-time optimisation by hour). */
  HOURLY_PROJECTION,
  /** No timing at all: the earliest reachable unsuppressed minute of the window. */
  WINDOW_START;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
