package com.sendflowr.timing.model;

import java.time.Instant;

/**
 * What the decision knew about the recipient.
 *
 * @param recipientWeight share of the curve from the recipient's own history (rest: prior)
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
    int activeContextSignals) {}
