package com.sendflowr.contract;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The Timing Layer's canonical output: when to fire one send request. Carries no ESP detail; the
 * connector resolves {@code intentId} to an ESP action at fire time.
 *
 * @param version 1 for the first decision on a request, incremented by each re-decision
 * @param supersedes the decision id this version replaces, or null
 * @param targetMinuteUtc the chosen minute-of-week slot (0..10079) of {@code targetTimestampUtc}
 * @param triggerTimestampUtc when to call the ESP: target minus the latency estimate
 * @param latencySource where the latency estimate came from (learned, default, ...)
 * @param notAfter the request window's end; a trigger beyond it plus the intent's lateness expires
 * @param metadata pass-through metadata from the send request; never null
 * @param debug optional decision internals for quick inspection; the full record is the explanation
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
    Debug debug) {

  public TimingDecision {
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
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
