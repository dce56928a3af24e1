package com.sendflowr.timing.model;

/** Knowing when not to send is an outcome too. */
public enum DecisionOutcome {
  /** A target instant was chosen. */
  SCHEDULED,
  /** Circuit breakers cover the whole window: do not send. */
  SUPPRESSED,
  /** The window ends before the message could arrive (now + latency is past notAfter). */
  WINDOW_UNREACHABLE;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
