package com.sendflowr.timing.job;

import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.timing.job.identity.RecipientHandoff;
import com.sendflowr.timing.job.identity.RecipientMerge;

/**
 * One keyed input of the decide operator, keyed by the recipient's universal id: exactly one of a
 * signal, a send request, a dispatch outcome, an identity merge (sent to the id whose history moves
 * away) or a handoff (that history arriving at its new id). One input type instead of a two-input
 * operator because a keyed broadcast function has a single keyed side, and config arrives as
 * broadcast.
 *
 * @param recipient the resolved universal id the record is keyed by
 * @param resolution how that id was resolved from the record's identity keys (for the audit trail)
 */
public record TimingInput(
    String recipient,
    Signal signal,
    SendRequest request,
    DispatchOutcome outcome,
    IdentityResolution resolution,
    RecipientMerge merge,
    RecipientHandoff handoff) {

  public TimingInput {
    int present =
        (signal != null ? 1 : 0)
            + (request != null ? 1 : 0)
            + (outcome != null ? 1 : 0)
            + (merge != null ? 1 : 0)
            + (handoff != null ? 1 : 0);
    if (present != 1) {
      throw new IllegalArgumentException("a timing input holds exactly one record, not " + present);
    }
    if (recipient == null || recipient.isEmpty()) {
      throw new IllegalArgumentException("a timing input names its recipient");
    }
  }

  public TimingInput(
      String recipient,
      Signal signal,
      SendRequest request,
      DispatchOutcome outcome,
      IdentityResolution resolution) {
    this(recipient, signal, request, outcome, resolution, null, null);
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

  /** Addressed to the id whose history moves: that is where the history is. */
  public static TimingInput of(RecipientMerge m) {
    return new TimingInput(m.from(), null, null, null, null, m, null);
  }

  /** Addressed to the id the history moves to. */
  public static TimingInput of(RecipientHandoff h) {
    return new TimingInput(h.into(), null, null, null, null, null, h);
  }

  public TimingInput resolvedAs(IdentityResolution r) {
    return new TimingInput(r.universalId(), signal, request, outcome, r, merge, handoff);
  }

  /** The same record addressed to another id (after its recipient was merged into that id). */
  public TimingInput forwardedTo(String id) {
    return new TimingInput(id, signal, request, outcome, resolution, merge, handoff);
  }
}
