package com.sendflowr.timing.tools;

import com.sendflowr.contract.MinuteOfWeek;
import java.time.Instant;

/**
 * The legacy send-time-optimisation model the timing model is compared against: unweighted event
 * counts per hour of the week (opens count like clicks, as in hour-level STO products), no decay,
 * send at the top of the best hour.
 */
final class HourHistogram {
  static final int HOURS = 168;

  private final int[] counts = new int[HOURS];
  private long total;

  void add(Instant t) {
    counts[MinuteOfWeek.of(t) / 60]++;
    total++;
  }

  long total() {
    return total;
  }

  /**
   * The start of the hour with the most events among the hours overlapping [from, to] (ties: the
   * earliest), clamped into the window; null when the histogram is empty.
   */
  Instant bestHourStart(Instant from, Instant to) {
    if (total == 0) {
      return null;
    }
    long firstHour = Math.floorDiv(from.getEpochSecond(), 3600L);
    long lastHour = Math.floorDiv(to.getEpochSecond(), 3600L);
    long bestHour = firstHour;
    int bestCount = -1;
    for (long h = firstHour; h <= lastHour; h++) {
      int c = counts[MinuteOfWeek.of(Instant.ofEpochSecond(h * 3600)) / 60];
      if (c > bestCount) {
        bestCount = c;
        bestHour = h;
      }
    }
    Instant t = Instant.ofEpochSecond(bestHour * 3600);
    return t.isBefore(from) ? from : t;
  }

  /** log2(p(minute) * 10080) with add-one smoothing over hours, so unseen hours are not -inf. */
  double logLiftBits(int minuteOfWeek) {
    double p = (counts[minuteOfWeek / 60] + 1.0) / (total + HOURS) / 60.0;
    return Math.log(p * MinuteOfWeek.MINUTES_PER_WEEK) / Math.log(2);
  }
}
