package com.sendflowr.timing.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LatencyTrackerTest {
  private static final Instant MONDAY_NINE = Instant.parse("2026-01-05T09:10:00Z");
  private static final Instant SUNDAY_NINE = Instant.parse("2026-01-11T09:10:00Z");

  @Test
  void theSameHourOnAnotherDayOfTheWeekIsLearnedSeparately() {
    LatencyTracker t = new LatencyTracker(Duration.ofSeconds(60), 0.5, 3);
    for (int i = 0; i < 5; i++) {
      t.observe(MONDAY_NINE.plusSeconds(i), MONDAY_NINE.plusSeconds(i + 600));
      t.observe(SUNDAY_NINE.plusSeconds(i), SUNDAY_NINE.plusSeconds(i + 20));
    }
    LatencyEstimate monday = t.estimateAt(MONDAY_NINE.plus(Duration.ofDays(7)));
    LatencyEstimate sunday = t.estimateAt(SUNDAY_NINE);
    assertThat(monday.value()).isEqualTo(Duration.ofSeconds(600));
    assertThat(monday.source()).isEqualTo(LatencyEstimate.Source.LEARNED_HOURLY);
    assertThat(monday.detail()).isEqualTo("Mon 09:00 UTC, 5 deliveries");
    assertThat(sunday.value()).isEqualTo(Duration.ofSeconds(20));
    assertThat(sunday.detail()).startsWith("Sun 09:00 UTC");
    assertThat(LatencyTracker.fromBytes(t.toBytes()).estimateAt(SUNDAY_NINE)).isEqualTo(sunday);
    for (int i = 0; i < 3; i++) {
      t.observe(SUNDAY_NINE.plusSeconds(14 * 3600), SUNDAY_NINE.plusSeconds(14 * 3600 + 30));
    }
    assertThat(t.estimateAt(SUNDAY_NINE.plusSeconds(14 * 3600)).detail())
        .isEqualTo("Sun 23:00 UTC, 3 deliveries");
  }

  @Test
  void readsTheHourOfDayFormatOfVersionOne() {
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 4 + 16 + 24 * 16);
    b.put((byte) 1).putLong(60_000).putDouble(0.1).putInt(2).putDouble(45).putLong(48);
    for (int h = 0; h < 24; h++) {
      b.putDouble(h == 9 ? 120 : 30).putLong(2);
    }
    LatencyTracker t = LatencyTracker.fromBytes(b.array());
    assertThat(t.estimateAt(MONDAY_NINE).value()).isEqualTo(Duration.ofSeconds(120));
    assertThat(t.estimateAt(SUNDAY_NINE).value()).isEqualTo(Duration.ofSeconds(120));
    assertThat(t.observations()).isEqualTo(48);
    assertThat(t.toBytes()[0]).isEqualTo(LatencyTracker.FORMAT_VERSION);
  }

  @Test
  void rejectsUnknownOrTruncatedFormats() {
    assertThatThrownBy(() -> LatencyTracker.fromBytes(new byte[] {9}))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] truncated = new byte[40];
    truncated[0] = 2;
    assertThatThrownBy(() -> LatencyTracker.fromBytes(truncated))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
