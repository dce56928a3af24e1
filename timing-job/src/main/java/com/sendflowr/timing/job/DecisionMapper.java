package com.sendflowr.timing.job;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.timing.model.AppliedWeight;
import com.sendflowr.timing.model.DecisionOutcome;
import com.sendflowr.timing.model.TimingChoice;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one mapping from a policy's choice (or a lifecycle change without one) to the canonical
 * {@link TimingDecision} and its {@code timing_explanations} row. Pure code, shared by the job, the
 * bootstrap and the tests.
 */
public final class DecisionMapper {
  private DecisionMapper() {}

  /** A decision and its explanation row. */
  public record Decided(TimingDecision decision, ExplanationRow explanation) {}

  /**
   * Where a decision version sits in its request's life.
   *
   * @param cause what made this version: {@code request}, {@code hot_path}, {@code
   *     circuit_breaker}, {@code breaker_ended}, {@code dispatch_expired}, {@code window_passed}
   * @param causeDetail the signal (type and time) or outcome behind the cause, for the audit trail
   * @param mergedFrom ids whose history was merged into the recipient's
   */
  public record Lifecycle(
      int version,
      String supersedes,
      String cause,
      Map<String, Object> causeDetail,
      IdentityResolution identity,
      List<String> mergedFrom) {
    public Lifecycle {
      causeDetail = causeDetail == null ? Map.of() : Map.copyOf(causeDetail);
      mergedFrom = mergedFrom == null ? List.of() : List.copyOf(mergedFrom);
    }

    public static Lifecycle first(IdentityResolution identity, List<String> mergedFrom) {
      return new Lifecycle(1, null, "request", Map.of(), identity, mergedFrom);
    }

    public Lifecycle next(String supersededId, String why, Map<String, Object> detail) {
      return new Lifecycle(version + 1, supersededId, why, detail, identity, mergedFrom);
    }
  }

  /**
   * Maps a policy's choice. A scheduled choice becomes a scheduled decision; a choice that sends
   * nothing becomes {@code suppressed} (breakers cover the window) or {@code expired} (the window
   * cannot be reached), with the decision time standing in for target and trigger.
   */
  public static Decided fromChoice(
      SendRequest request,
      String universalId,
      Lifecycle lc,
      TimingChoice c,
      TimingPolicy policy,
      String policyNote,
      Instant now,
      Instant windowEnd) {
    DecisionStatus status =
        switch (c.outcome()) {
          case SCHEDULED -> DecisionStatus.SCHEDULED;
          case SUPPRESSED -> DecisionStatus.SUPPRESSED;
          case WINDOW_UNREACHABLE -> DecisionStatus.EXPIRED;
        };
    Instant target = c.scheduled() ? c.target() : now;
    Instant trigger = c.scheduled() ? c.trigger() : now;
    List<TimingDecision.AppliedWeight> weights = new ArrayList<>();
    for (AppliedWeight w : c.explanation().appliedWeights()) {
      weights.add(new TimingDecision.AppliedWeight(w.signal(), w.weight()));
    }
    boolean suppressed = c.outcome() == DecisionOutcome.SUPPRESSED;
    String decisionId = decisionId(request.requestId(), lc.version());
    TimingDecision decision =
        new TimingDecision(
            decisionId,
            request.requestId(),
            request.intentId(),
            universalId,
            lc.version(),
            status,
            lc.supersedes(),
            MinuteOfWeek.of(target),
            target,
            trigger,
            c.latency().seconds(),
            c.latency().source().wire(),
            c.confidenceScore(),
            policy.modelVersion(),
            "expl-" + decisionId,
            now,
            windowEnd,
            request.metadata(),
            new TimingDecision.Debug(c.explanation().basePeakMinute(), weights, suppressed));
    Map<String, Object> explanation = new LinkedHashMap<>();
    explanation.put("lifecycle", lifecycle(lc, status));
    explanation.put("policy_seam", Map.of("policy", policy.name(), "note", policyNote));
    explanation.put("identity", identity(lc));
    explanation.putAll(c.explanation().toMap());
    return new Decided(decision, row(decision, weights, suppressed, explanation));
  }

  /**
   * A new version that changes only the lifecycle of the current one: a cancellation (a circuit
   * breaker opened after the decision) or an expiry (the window passed while cancelled). Target and
   * trigger stay those of the decision it replaces, for the audit trail.
   */
  public static Decided lifecycleChange(
      TimingDecision current, Lifecycle lc, DecisionStatus status, Instant now) {
    String decisionId = decisionId(current.requestId(), lc.version());
    boolean suppressed = status != DecisionStatus.SCHEDULED;
    TimingDecision decision =
        new TimingDecision(
            decisionId,
            current.requestId(),
            current.intentId(),
            current.universalId(),
            lc.version(),
            status,
            lc.supersedes(),
            current.targetMinuteUtc(),
            current.targetTimestampUtc(),
            current.triggerTimestampUtc(),
            current.latencyEstimateSeconds(),
            current.latencySource(),
            current.confidenceScore(),
            current.modelVersion(),
            "expl-" + decisionId,
            now,
            current.notAfter(),
            current.metadata(),
            new TimingDecision.Debug(
                current.debug() == null ? null : current.debug().baseCurvePeakMinute(),
                List.of(),
                suppressed));
    Map<String, Object> explanation = new LinkedHashMap<>();
    explanation.put("lifecycle", lifecycle(lc, status));
    explanation.put("identity", identity(lc));
    explanation.put("replaces", current.decisionId());
    explanation.put("replaced_target", current.targetTimestampUtc().toString());
    return new Decided(decision, row(decision, List.of(), suppressed, explanation));
  }

  private static Map<String, Object> lifecycle(Lifecycle lc, DecisionStatus status) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", lc.version());
    m.put("status", status.wire());
    m.put("supersedes", lc.supersedes());
    m.put("cause", lc.cause());
    m.put("cause_detail", lc.causeDetail());
    return m;
  }

  private static Map<String, Object> identity(Lifecycle lc) {
    Map<String, Object> m = new LinkedHashMap<>();
    IdentityResolution r = lc.identity();
    if (r != null) {
      m.put("universal_id", r.universalId());
      m.put("method", r.method());
      m.put("via_key", r.viaKey());
      m.put("aliases", r.aliases());
      m.put("linked_by", r.linkedBy());
      m.put("linked_at", r.linkedAt() == null ? null : r.linkedAt().toString());
    }
    m.put("merged_from", lc.mergedFrom());
    return m;
  }

  private static ExplanationRow row(
      TimingDecision d,
      List<TimingDecision.AppliedWeight> weights,
      boolean suppressed,
      Map<String, Object> explanation) {
    return ExplanationRow.of(
        d, Contracts.toJson(weights), suppressed, Contracts.toJson(explanation));
  }

  /** Deterministic, so a replayed request yields the same id and downstream dedup works. */
  public static String decisionId(String requestId, int version) {
    return UUID.nameUUIDFromBytes(
            ("decision|" + requestId + "|" + version).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
