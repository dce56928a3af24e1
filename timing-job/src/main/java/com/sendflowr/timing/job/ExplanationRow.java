package com.sendflowr.timing.job;

import java.time.Instant;

/**
 * One row of {@code timing_explanations}: everything needed to reconstruct a decision, keyed by
 * {@code explanationRef} which the decision carries.
 *
 * @param contextWeightsJson the applied context weights, as a JSON array of {signal, weight}
 * @param explanationJson the full explanation (inputs, candidates, latency source, confidence
 *     components, suppression state)
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
    String explanationJson) {}
