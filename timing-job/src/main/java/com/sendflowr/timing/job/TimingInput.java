package com.sendflowr.timing.job;

import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;

/**
 * One keyed input of the decide operator: exactly one of a signal, a send request or a dispatch
 * outcome, keyed by the recipient's universal id. One input type instead of a two-input operator
 * because a keyed broadcast function has a single keyed side, and config arrives as broadcast.
 *
 * @param recipient the resolved universal id the record is keyed by
 * @param resolution how that id was resolved from the record's identity keys (for the audit trail)
 */
public record TimingInput(
    String recipient,
    Signal signal,
    SendRequest request,
    DispatchOutcome outcome,
    IdentityResolution resolution) {

  public TimingInput {
    int present = (signal != null ? 1 : 0) + (request != null ? 1 : 0) + (outcome != null ? 1 : 0);
    if (present != 1) {
      throw new IllegalArgumentException("a timing input holds exactly one record, not " + present);
    }
    if (recipient == null || recipient.isEmpty()) {
      throw new IllegalArgumentException("a timing input names its recipient");
    }
  }

  public static TimingInput of(Signal s) {
    return new TimingInput(
        s.recipientKey(), s, null, null, IdentityResolution.given(s.recipientKey()));
  }

  public static TimingInput of(SendRequest r) {
    return new TimingInput(
        r.recipientKey(), null, r, null, IdentityResolution.given(r.recipientKey()));
  }

  public static TimingInput of(DispatchOutcome o) {
    return new TimingInput(
        o.universalId(), null, null, o, IdentityResolution.given(o.universalId()));
  }

  public TimingInput resolvedAs(IdentityResolution r) {
    return new TimingInput(r.universalId(), signal, request, outcome, r);
  }
}
