package com.sendflowr.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class WallClockWatermarksTest {
  private static final long OUT_OF_ORDERNESS = 5_000;
  private static final long IDLE_LAG = 1_000;
  private static final long NOW = Instant.parse("2026-01-05T09:30:00Z").toEpochMilli();

  private final MutableClock clock = new MutableClock(NOW);
  private final RecordingOutput out = new RecordingOutput();
  private final WallClockWatermarks.Generator<String> generator =
      new WallClockWatermarks.Generator<>(OUT_OF_ORDERNESS, IDLE_LAG, clock);

  @Test
  void withoutAnyEventTheWatermarkFollowsTheClockMinusTheIdleLag() {
    generator.onPeriodicEmit(out);
    assertThat(out.watermarks).containsExactly(NOW - IDLE_LAG);

    clock.advance(Duration.ofMinutes(10));
    generator.onPeriodicEmit(out);
    assertThat(out.watermarks).containsExactly(NOW - IDLE_LAG, NOW + 600_000 - IDLE_LAG);
  }

  @Test
  void eventsAheadOfTheClockDriveTheWatermarkWithTheOutOfOrdernessBound() {
    long future = NOW + 60_000;
    generator.onEvent("e", future, out);
    generator.onPeriodicEmit(out);
    assertThat(out.watermarks).containsExactly(future - OUT_OF_ORDERNESS - 1);
  }

  @Test
  void anEventFromAClockFarAheadMovesEventTimeAtMostTheAllowedSkewAhead() {
    generator.onEvent("skewed", NOW + Duration.ofDays(1).toMillis(), out);
    generator.onPeriodicEmit(out);
    long skew = WallClockWatermarks.MAX_CLOCK_SKEW.toMillis();
    assertThat(out.watermarks).containsExactly(NOW + skew - OUT_OF_ORDERNESS - 1);
  }

  @Test
  void eventsBehindTheClockDoNotHoldTimeBack() {
    generator.onEvent("old", NOW - 3_600_000, out);
    generator.onPeriodicEmit(out);
    assertThat(out.watermarks).containsExactly(NOW - IDLE_LAG);
  }

  @Test
  void aQuietInputAfterEventsKeepsAdvancingWithTheClock() {
    generator.onEvent("e", NOW + 10_000, out);
    generator.onPeriodicEmit(out);
    clock.advance(Duration.ofMinutes(1)); // no events for a minute
    generator.onPeriodicEmit(out);
    assertThat(out.watermarks).containsExactly(NOW + 10_000 - OUT_OF_ORDERNESS - 1, NOW + 59_000);
  }

  @Test
  void theWatermarkNeverGoesBackwardsNorRepeats() {
    generator.onEvent("e", NOW + 60_000, out);
    generator.onPeriodicEmit(out);
    long high = NOW + 60_000 - OUT_OF_ORDERNESS - 1;

    generator.onEvent("late", NOW - 60_000, out); // out of order: max stays
    generator.onPeriodicEmit(out);
    clock.set(NOW - 3_600_000); // the wall clock steps back (NTP correction)
    generator.onPeriodicEmit(out);
    generator.onPeriodicEmit(out);
    assertThat(out.watermarks).containsExactly(high);

    clock.set(NOW + 120_000);
    generator.onPeriodicEmit(out);
    assertThat(out.watermarks).containsExactly(high, NOW + 120_000 - IDLE_LAG);
    assertThat(out.watermarks).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void theStrategyUsesTheWallClockAndTheAssignedTimestamps() {
    var strategy =
        WallClockWatermarks.<RawRecord>strategy(
            (raw, ts) -> raw.timestamp(), Duration.ofSeconds(5), Duration.ofSeconds(1));
    RawRecord raw = new RawRecord("t", "k", "v", 1_234L);
    assertThat(strategy.createTimestampAssigner(null).extractTimestamp(raw, -1L)).isEqualTo(1_234L);

    WatermarkGenerator<RawRecord> wallClock = strategy.createWatermarkGenerator(null);
    long before = System.currentTimeMillis();
    wallClock.onEvent(raw, 1_234L, out);
    wallClock.onPeriodicEmit(out);
    long after = System.currentTimeMillis();
    assertThat(out.watermarks).hasSize(1);
    assertThat(out.watermarks.get(0)).isBetween(before - 1_000, after - 1_000);
  }

  static final class RecordingOutput implements WatermarkOutput {
    final List<Long> watermarks = new ArrayList<>();

    @Override
    public void emitWatermark(Watermark watermark) {
      watermarks.add(watermark.getTimestamp());
    }

    @Override
    public void markIdle() {
      throw new AssertionError("a wall-clock watermark never marks its input idle");
    }

    @Override
    public void markActive() {}
  }

  static final class MutableClock extends Clock {
    private long millis;

    MutableClock(long millis) {
      this.millis = millis;
    }

    void set(long millis) {
      this.millis = millis;
    }

    void advance(Duration d) {
      millis += d.toMillis();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
      return millis;
    }
  }
}
