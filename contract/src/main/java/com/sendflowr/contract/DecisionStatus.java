package com.sendflowr.contract;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Lifecycle of one version of a decision. The dispatcher honours only the latest version. */
public enum DecisionStatus {
  /** Fire at the trigger time. */
  SCHEDULED,
  /** Replaced by a later version of the same request. */
  SUPERSEDED,
  /** Withdrawn: do not send (e.g. a circuit breaker opened after the decision). */
  CANCELLED,
  /** Knowing when not to send: the whole window was suppressed, nothing will be sent. */
  SUPPRESSED,
  /**
   * The window passed (or could no longer be reached) without a dispatchable decision: nothing will
   * be sent for this request.
   */
  EXPIRED;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static DecisionStatus fromWire(String wire) {
    return WireNames.lookup(values(), DecisionStatus::wire, wire);
  }
}
