package com.sendflowr.timing.job;

import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.TimingDecision;
import java.time.Instant;

/**
 * A send request the decide operator still answers for, with its latest decision version.
 *
 * @param windowStart the window's start as first resolved (not_before, or when it arrived)
 * @param windowEnd the window's end as first resolved (not_after, or the intent's default)
 * @param current the latest decision version emitted
 * @param resumeAt for a request cancelled by a circuit breaker: when the breaker ends and the
 *     request is decided again; null otherwise
 * @param forgetAt when the request id is forgotten (the window's end plus a retention)
 * @param dispatched the dispatcher reported an outcome for the current version: no more
 *     re-decisions
 * @param identity how the recipient was resolved when the request arrived
 */
public record PendingRequest(
    SendRequest request,
    Instant windowStart,
    Instant windowEnd,
    TimingDecision current,
    Instant resumeAt,
    Instant forgetAt,
    boolean dispatched,
    IdentityResolution identity) {

  public boolean scheduled() {
    return current.status() == DecisionStatus.SCHEDULED;
  }

  /** Whether the current decision can still be changed: scheduled, its trigger ahead of now. */
  public boolean changeableAt(Instant now) {
    return !dispatched && scheduled() && current.triggerTimestampUtc().isAfter(now);
  }

  /** Whether no decision will fire for this request unless something changes. */
  public boolean waiting() {
    return !dispatched && current.status() == DecisionStatus.CANCELLED;
  }

  public PendingRequest withCurrent(TimingDecision d, Instant resume) {
    return new PendingRequest(
        request, windowStart, windowEnd, d, resume, forgetAt, dispatched, identity);
  }

  public PendingRequest markDispatched() {
    return new PendingRequest(
        request, windowStart, windowEnd, current, null, forgetAt, true, identity);
  }

  /** The earliest instant this request needs the operator's attention again. */
  public Instant nextCheck() {
    Instant next = forgetAt;
    if (resumeAt != null && resumeAt.isBefore(next)) {
      next = resumeAt;
    }
    if (waiting() && windowEnd.isBefore(next)) {
      next = windowEnd;
    }
    return next;
  }
}
