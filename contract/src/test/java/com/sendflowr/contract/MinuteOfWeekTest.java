package com.sendflowr.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MinuteOfWeekTest {

  @Test
  void slotZeroIsMondayMidnightUtc() {
    assertThat(MinuteOfWeek.of(Instant.parse("2026-01-05T00:00:00Z"))).isZero(); // a Monday
    assertThat(MinuteOfWeek.of(Instant.parse("2026-01-05T00:00:59Z"))).isZero();
    assertThat(MinuteOfWeek.of(Instant.parse("2026-01-05T00:01:00Z"))).isEqualTo(1);
    assertThat(MinuteOfWeek.of(Instant.parse("2026-01-11T23:59:00Z"))).isEqualTo(10_079);
    assertThat(MinuteOfWeek.of(Instant.parse("2026-01-12T00:00:00Z"))).isZero();
    assertThat(MinuteOfWeek.of(Instant.parse("1970-01-01T00:00:00Z"))).isEqualTo(3 * 1440);
  }

  @Test
  void fractionalMinuteCarriesSeconds() {
    assertThat(MinuteOfWeek.fractionalOf(Instant.parse("2026-01-05T09:30:30Z")))
        .isEqualTo(9 * 60 + 30.5);
  }

  @Test
  void weekStartAndAtOrAfterAgreeWithTheSlot() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      Instant t = Instant.ofEpochSecond(946_684_800L + (long) (random.nextDouble() * 3e9));
      Instant start = MinuteOfWeek.weekStart(t);
      assertThat(MinuteOfWeek.of(start)).isZero();
      assertThat(start).isBeforeOrEqualTo(t);
      assertThat(t.getEpochSecond() - start.getEpochSecond()).isLessThan(7L * 86_400);
      int slot = random.nextInt(MinuteOfWeek.MINUTES_PER_WEEK);
      Instant next = MinuteOfWeek.atOrAfter(t, slot);
      assertThat(MinuteOfWeek.of(next)).isEqualTo(slot);
      assertThat(next).isAfterOrEqualTo(t);
      assertThat(next.getEpochSecond() - t.getEpochSecond()).isLessThan(7L * 86_400);
    }
  }

  @Test
  void rejectsSlotsOffTheGrid() {
    assertThatThrownBy(() -> MinuteOfWeek.atOrAfter(Instant.EPOCH, 10_080))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0..10079");
  }
}
