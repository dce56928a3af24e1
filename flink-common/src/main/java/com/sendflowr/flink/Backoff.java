package com.sendflowr.flink;

import java.io.Serializable;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter: the delay doubles from {@code base} with every attempt up
 * to {@code max}, and each wait is drawn from the upper half of that cap, so many retriers (ESP
 * calls, the parallel subtasks of a loader) do not hit a recovering service in lockstep.
 */
public record Backoff(Duration base, Duration max) implements Serializable {
  public Backoff {
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < base <= max but was base " + base + ", max " + max);
    }
  }

  /** The longest wait after {@code attempt} failed attempts (1 after the first failure). */
  public Duration cap(int attempt) {
    return Duration.ofMillis(
        Math.min(max.toMillis(), base.toMillis() << Math.min(Math.max(attempt, 1) - 1, 20)));
  }

  /** The wait after {@code attempt} failed attempts: uniform in [cap / 2, cap]. */
  public Duration delay(int attempt, RandomGenerator random) {
    long cap = cap(attempt).toMillis();
    return Duration.ofMillis(random.nextLong(cap / 2, cap + 1));
  }
}
