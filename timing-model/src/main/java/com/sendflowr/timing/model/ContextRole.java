package com.sendflowr.timing.model;

/** What a context signal does to propensity. */
public enum ContextRole {
  /** Raises propensity for the next minutes, decaying: w(t) = amplitude * exp(-age / decay). */
  HOT_PATH,
  /** Forces propensity to zero for its duration (w = -1), beating every other weight. */
  CIRCUIT_BREAKER,
  /** Ends the circuit breakers of the named type early (e.g. ticket_closed ends ticket_opened). */
  CLEAR;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
