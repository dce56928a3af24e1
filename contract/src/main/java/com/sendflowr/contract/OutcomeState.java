package com.sendflowr.contract;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Final state of one dispatch attempt sequence. Every decision ends in exactly one of these. */
public enum OutcomeState {
  ACCEPTED,
  /**
   * The ESP may have accepted the call: its last attempt timed out with the request in flight. Not
   * retried by a re-decision, since that could send twice where the ESP does not de-duplicate.
   */
  POSSIBLY_SENT,
  FAILED,
  DEAD_LETTERED,
  EXPIRED,
  UNROUTABLE,
  SUPPRESSED,
  DRY_RUN,
  CANCELLED;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  static OutcomeState fromWire(String wire) {
    return WireNames.lookup(values(), OutcomeState::wire, wire);
  }
}
