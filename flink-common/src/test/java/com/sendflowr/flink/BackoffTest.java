package com.sendflowr.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Backoff BACKOFF =
      new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));

  @Test
  void theCapDoublesUpToTheMaximumAndStaysThereForever() {
    assertThat(BACKOFF.cap(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(BACKOFF.cap(2)).isEqualTo(Duration.ofMillis(400));
    assertThat(BACKOFF.cap(6)).isEqualTo(Duration.ofMillis(6_400));
    assertThat(BACKOFF.cap(7)).isEqualTo(Duration.ofSeconds(10));
    // an outage of days: no overflow, no growth past the cap
    assertThat(BACKOFF.cap(1_000_000)).isEqualTo(Duration.ofSeconds(10));
    assertThat(BACKOFF.cap(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(10));
    assertThat(BACKOFF.cap(0)).isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void eachDelayIsDrawnFromTheUpperHalfOfItsCap() {
    SplittableRandom random = new SplittableRandom(7);
    for (int attempt = 1; attempt < 40; attempt++) {
      long cap = BACKOFF.cap(attempt).toMillis();
      assertThat(BACKOFF.delay(attempt, random).toMillis()).isBetween(cap / 2, cap);
    }
  }

  @Test
  void aBackoffNeedsAPositiveBaseBelowItsMaximum() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
