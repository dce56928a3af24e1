package com.sendflowr.timing.model;

import java.time.Instant;

/**
 * One candidate minute.
 *
 * @param baseLift base-curve density times 10,080 (1 = as good as a random minute)
 * @param contextFactor prod(1 + w_i) at that minute
 * @param score {@code baseLift * contextFactor}, i.e. P_final in lift units
 */
public record ScoredMinute(
    Instant instant, int minuteOfWeek, double baseLift, double contextFactor, double score) {}
