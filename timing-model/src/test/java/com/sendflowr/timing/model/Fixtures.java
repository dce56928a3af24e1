package com.sendflowr.timing.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/** Shared builders for model tests. */
final class Fixtures {
  /** A Monday 00:00 UTC, so minute-of-week offsets are easy to read. */
  static final Instant MONDAY = Instant.parse("2026-01-05T00:00:00Z");

  private Fixtures() {}

  static Instant at(int week, int minuteOfWeek) {
    return MONDAY.plus(Duration.ofMinutes((long) week * 10_080 + minuteOfWeek));
  }

  /** A recipient who engages around {@code peakMinute} every day (with noise), for weeks. */
  static RecipientState dailyHabit(Random rnd, int peakMinuteOfDay, int weeks, double noise) {
    RecipientState s = new RecipientState();
    for (int w = 0; w < weeks; w++) {
      for (int d = 0; d < 7; d++) {
        if (rnd.nextDouble() < 0.5) {
          double m = d * 1440 + peakMinuteOfDay + rnd.nextGaussian() * noise;
          s.update(1.0, MONDAY.plusSeconds((long) ((w * 10_080 + m) * 60)), Duration.ofDays(21));
        }
      }
    }
    return s;
  }

  static RecipientState random(Random rnd) {
    RecipientState s = new RecipientState();
    int n = rnd.nextInt(40);
    for (int i = 0; i < n; i++) {
      s.update(
          0.1 + rnd.nextDouble(),
          MONDAY.plusSeconds(rnd.nextInt(60 * 10_080 * 8)),
          Duration.ofDays(1 + rnd.nextInt(60)));
    }
    return s;
  }
}
