package com.sendflowr.contract;

import java.time.Duration;
import java.time.Instant;

/**
 * The canonical time grid: 10,080 one-minute slots a week, slot 0 = Monday 00:00 UTC.
 *
 * <p>Every component that talks about "the minute" of a decision uses this class, so the grid is
 * defined once.
 */
public final class MinuteOfWeek {
  public static final int MINUTES_PER_DAY = 1_440;
  public static final int MINUTES_PER_WEEK = 10_080;

  /** 1970-01-01 was a Thursday; the first Monday 00:00 UTC after the epoch is 4 days later. */
  private static final long FIRST_MONDAY_EPOCH_MINUTE = 4L * MINUTES_PER_DAY;

  private MinuteOfWeek() {}

  /** The slot (0..10079) containing {@code t}. */
  public static int of(Instant t) {
    long epochMinute = Math.floorDiv(t.getEpochSecond(), 60L);
    return (int) Math.floorMod(epochMinute - FIRST_MONDAY_EPOCH_MINUTE, (long) MINUTES_PER_WEEK);
  }

  /** Minutes since Monday 00:00 UTC, with the fraction of the current minute, in [0, 10080). */
  public static double fractionalOf(Instant t) {
    long secondsIntoMinute = Math.floorMod(t.getEpochSecond(), 60L);
    double fraction = (secondsIntoMinute + t.getNano() / 1e9) / 60.0;
    return of(t) + fraction;
  }

  /** The Monday 00:00 UTC at or before {@code t}. */
  public static Instant weekStart(Instant t) {
    long epochMinute = Math.floorDiv(t.getEpochSecond(), 60L);
    return Instant.ofEpochSecond((epochMinute - of(t)) * 60L);
  }

  /** The first whole-minute instant at or after {@code from} whose slot is {@code minute}. */
  public static Instant atOrAfter(Instant from, int minute) {
    requireSlot(minute);
    Instant candidate = weekStart(from).plus(Duration.ofMinutes(minute));
    while (candidate.isBefore(from)) {
      candidate = candidate.plus(Duration.ofMinutes(MINUTES_PER_WEEK));
    }
    return candidate;
  }

  /** Whether {@code minute} is a valid slot. */
  public static boolean isSlot(int minute) {
    return minute >= 0 && minute < MINUTES_PER_WEEK;
  }

  static int requireSlot(int minute) {
    if (!isSlot(minute)) {
      throw new IllegalArgumentException(
          "minute-of-week must be in 0.." + (MINUTES_PER_WEEK - 1) + " but was " + minute);
    }
    return minute;
  }
}
