package com.sendflowr.sandbox.esp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimitTest {
  private static final Instant MINUTE = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void theBurstWindowAdmitsItsLimitPerWallClockSecond() {
    RateLimit limit = new RateLimit(3, 0);
    for (int i = 0; i < 3; i++) {
      assertThat(limit.admit("k", MINUTE.plusMillis(100 + i))).isEqualTo(-1);
    }
    assertThat(limit.admit("k", MINUTE.plusMillis(999))).isEqualTo(1);
    // A fixed window: the next second starts afresh.
    assertThat(limit.admit("k", MINUTE.plusMillis(1_000))).isEqualTo(-1);
  }

  @Test
  void theSteadyWindowAnswersWithTheSecondsUntilTheMinuteResets() {
    RateLimit limit = new RateLimit(100, 2);
    assertThat(limit.admit("k", MINUTE.plusSeconds(10))).isEqualTo(-1);
    assertThat(limit.admit("k", MINUTE.plusSeconds(20))).isEqualTo(-1);
    assertThat(limit.admit("k", MINUTE.plusSeconds(30))).isEqualTo(30);
    assertThat(limit.admit("k", MINUTE.plusMillis(59_500))).isEqualTo(1);
    assertThat(limit.admit("k", MINUTE.plusSeconds(60))).isEqualTo(-1);
  }

  @Test
  void throttledCallsUseUpNoQuotaAndAccountsAreCountedApart() {
    RateLimit limit = new RateLimit(1, 0);
    assertThat(limit.admit("a", MINUTE)).isEqualTo(-1);
    assertThat(limit.admit("a", MINUTE.plusMillis(1))).isEqualTo(1);
    assertThat(limit.admit("b", MINUTE.plusMillis(2))).isEqualTo(-1);
    assertThat(limit.admit("a", MINUTE.plusSeconds(1))).isEqualTo(-1);
  }

  @Test
  void aLimitNeedsOneWindow() {
    assertThatThrownBy(() -> new RateLimit(0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimit(-1, 10)).isInstanceOf(IllegalArgumentException.class);
  }
}
