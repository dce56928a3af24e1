package com.sendflowr.timing.model;

import java.time.Instant;
import java.util.List;

/**
 * What the decision knew about the recipient.
 *
 * @param recipientWeight share of the curve from the recipient's own history (rest: prior)
 * @param responseLeadMinutes attention time tau of the response curve the decision scored
 * @param priorCohorts cohorts the prior has (0 = population average only)
 * @param cohortWeights the cohorts the recipient's prior was mixed from, largest responsibility
 *     first (at most three; empty when the prior part is the population average)
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
    int activeContextSignals,
    int priorCohorts,
    List<CohortWeight> cohortWeights) {

  public InputSummary {
    cohortWeights = List.copyOf(cohortWeights);
  }

  /** Share of the curve that comes from the prior. */
  public double priorWeight() {
    return 1 - recipientWeight;
  }
}
