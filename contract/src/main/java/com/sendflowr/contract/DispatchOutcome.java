package com.sendflowr.contract;

import java.time.Instant;

/**
 * What happened when a decision fired: which ESP action it resolved to, how many attempts it took,
 * what the ESP answered.
 *
 * @param idempotencyKey deterministic from decision and binding; sent to the ESP so retries and
 *     restarts never send twice
 * @param espStatus the last HTTP status from the ESP, or null when no call was made
 * @param latenessMillis {@code firedAt - triggerTimestampUtc}
 * @param detail human-readable detail (e.g. the ESP's error body); never a secret
 */
public record DispatchOutcome(
    String outcomeId,
    String decisionId,
    int decisionVersion,
    String requestId,
    String intentId,
    String universalId,
    String bindingId,
    String idempotencyKey,
    String esp,
    String espCampaignId,
    String espTemplateId,
    String espNotificationId,
    int attempts,
    Integer espStatus,
    String espResponseId,
    Instant triggerTimestampUtc,
    Instant firedAt,
    long latenessMillis,
    OutcomeState state,
    String detail) {}
