package com.sendflowr.timing.model;

import java.time.Instant;

/**
 * One candidate minute.
 *
 * @param activityLift the engagement curve's lift at this very minute, before the response lead
 *     (where the recipient is active)
 * @param baseLift lift of the lead-adjusted response curve at this minute: the engagement expected
 *     over the attention window after an arrival here, times 10,080 (1 = as good as a random
 *     minute); equals {@code activityLift} when the response lead is 0
 * @param contextFactor prod(1 + w_i) at that minute
 * @param score {@code baseLift * contextFactor}, i.e. P_final in lift units
 */
public record ScoredMinute(
    Instant instant,
    int minuteOfWeek,
    double activityLift,
    double baseLift,
    double contextFactor,
    double score) {}
