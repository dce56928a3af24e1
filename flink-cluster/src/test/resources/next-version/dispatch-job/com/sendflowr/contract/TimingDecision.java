package com.sendflowr.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The dispatch job's next version of the decision it holds in state, for SessionClusterTest's
 * upgrade: the record of contract/src/main/java/com/sendflowr/contract/TimingDecision.java with one
 * field added, {@code receivedBy}. The state's codec (this directory's {@code LatestDecisionCodec})
 * appends the field, so a decision the previous version stored reads with the field null, and the
 * previous version reads this one's state without it. The rest of the job still builds decisions
 * with the previous constructor (parsing them from Kafka, between operators), which this version
 * keeps and which records that this version received it.
 *
 * @param receivedBy which version of the dispatch job received the decision; null in a decision
 *     stored before it
 */
public record TimingDecision(
    String decisionId,
    String requestId,
    String intentId,
    String universalId,
    int version,
    DecisionStatus status,
    String supersedes,
    int targetMinuteUtc,
    Instant targetTimestampUtc,
    Instant triggerTimestampUtc,
    double latencyEstimateSeconds,
    String latencySource,
    double confidenceScore,
    String modelVersion,
    String explanationRef,
    Instant createdAtUtc,
    Instant notAfter,
    Map<String, String> metadata,
    Debug debug,
    String receivedBy) {

  /** A decision this version received. */
  public static final String RECEIVED_BY = "received by dispatch-job v2";

  @JsonCreator
  public TimingDecision {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** How the job's code builds a decision it receives. */
  public TimingDecision(
      String decisionId,
      String requestId,
      String intentId,
      String universalId,
      int version,
      DecisionStatus status,
      String supersedes,
      int targetMinuteUtc,
      Instant targetTimestampUtc,
      Instant triggerTimestampUtc,
      double latencyEstimateSeconds,
      String latencySource,
      double confidenceScore,
      String modelVersion,
      String explanationRef,
      Instant createdAtUtc,
      Instant notAfter,
      Map<String, String> metadata,
      Debug debug) {
    this(
        decisionId,
        requestId,
        intentId,
        universalId,
        version,
        status,
        supersedes,
        targetMinuteUtc,
        targetTimestampUtc,
        triggerTimestampUtc,
        latencyEstimateSeconds,
        latencySource,
        confidenceScore,
        modelVersion,
        explanationRef,
        createdAtUtc,
        notAfter,
        metadata,
        debug,
        RECEIVED_BY);
  }

  /** Decision internals, as in the original decision spec. */
  public record Debug(
      Integer baseCurvePeakMinute, List<AppliedWeight> appliedWeights, boolean suppressed) {
    public Debug {
      appliedWeights = appliedWeights == null ? List.of() : List.copyOf(appliedWeights);
    }
  }

  /** One context weight applied to the base curve: {@code P_final = P_base * prod(1 + w)}. */
  public record AppliedWeight(String signal, double weight) {}
}
