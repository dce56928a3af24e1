package com.sendflowr.contract;

import java.time.Instant;

/**
 * One row of {@code timing_explanations}: everything needed to reconstruct a decision, keyed by
 * {@code explanationRef} which the decision carries. The timing job writes it to the explanations
 * topic in the same Kafka transaction as the decision; the explanation loader writes it to the
 * store.
 *
 * @param status the decision's status on the wire ({@link DecisionStatus#wire()})
 * @param contextWeightsJson the applied context weights, as a JSON array of {signal, weight}
 * @param explanationJson the full explanation (inputs, candidates, latency source, confidence
 *     components, suppression state), a JSON object
 */
public record ExplanationRow(
    String decisionId,
    String explanationRef,
    String requestId,
    String intentId,
    String universalId,
    int decisionVersion,
    String status,
    Instant createdAt,
    int targetMinuteUtc,
    Instant targetTimestamp,
    Instant triggerTimestamp,
    double latencyEstimateSeconds,
    String latencySource,
    double confidenceScore,
    String modelVersion,
    String contextWeightsJson,
    boolean suppressed,
    String explanationJson) {

  /** The row of decision {@code d}: its own fields, plus what only the explanation holds. */
  public static ExplanationRow of(
      TimingDecision d, String contextWeightsJson, boolean suppressed, String explanationJson) {
    return new ExplanationRow(
        d.decisionId(),
        d.explanationRef(),
        d.requestId(),
        d.intentId(),
        d.universalId(),
        d.version(),
        d.status().wire(),
        d.createdAtUtc(),
        d.targetMinuteUtc(),
        d.targetTimestampUtc(),
        d.triggerTimestampUtc(),
        d.latencyEstimateSeconds(),
        d.latencySource(),
        d.confidenceScore(),
        d.modelVersion(),
        contextWeightsJson,
        suppressed,
        explanationJson);
  }
}
