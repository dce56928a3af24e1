package com.sendflowr.timing.job;

import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.TimingDecision;
import java.time.Instant;

/**
 * The timing job's next version of its open-request state, for SessionClusterTest's upgrade: the
 * record of timing-job/src/main/java/com/sendflowr/timing/job/PendingRequest.java with one field
 * added, {@code admittedBy}. The rest of the job still builds requests with the previous
 * constructor, which this version keeps; {@code PendingRequestCodec} next to this file stores the
 * field in format version 2 and reads format 1 (written before the upgrade) as {@link
 * #ADMITTED_BEFORE}.
 *
 * @param admittedBy which version of the job admitted the request
 */
public record PendingRequest(
    SendRequest request,
    Instant windowStart,
    Instant windowEnd,
    TimingDecision current,
    Instant resumeAt,
    Instant forgetAt,
    boolean dispatched,
    IdentityResolution identity,
    String admittedBy) {

  /** A request this version admitted. */
  public static final String ADMITTED_BY = "admitted by timing-job v2";

  /** A request admitted before this version: its state has no such field. */
  public static final String ADMITTED_BEFORE = "admitted before timing-job v2";

  public PendingRequest {
    admittedBy = admittedBy == null ? ADMITTED_BEFORE : admittedBy;
  }

  /** How the job's code admits a new request. */
  public PendingRequest(
      SendRequest request,
      Instant windowStart,
      Instant windowEnd,
      TimingDecision current,
      Instant resumeAt,
      Instant forgetAt,
      boolean dispatched,
      IdentityResolution identity) {
    this(
        request,
        windowStart,
        windowEnd,
        current,
        resumeAt,
        forgetAt,
        dispatched,
        identity,
        ADMITTED_BY);
  }

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
        request, windowStart, windowEnd, d, resume, forgetAt, dispatched, identity, admittedBy);
  }

  public PendingRequest markDispatched() {
    return new PendingRequest(
        request, windowStart, windowEnd, current, null, forgetAt, true, identity, admittedBy);
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
