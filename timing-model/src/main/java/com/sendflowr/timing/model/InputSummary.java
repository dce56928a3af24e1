package com.sendflowr.timing.model;

import java.time.Instant;

/**
 * What the decision knew about the recipient.
 *
 * @param recipientWeight share of the curve from the recipient's own history (rest: prior)
 * @param responseLeadMinutes attention time tau of the response curve the decision scored
 */
public record InputSummary(
    boolean hasHistory,
    int signalCount,
    double decayedEvidence,
    Instant lastSignalAt,
    double recipientWeight,
    long priorMembers,
    double halfLifeHours,
    double smoothingMinutes,
    double responseLeadMinutes,
    int activeContextSignals) {}
