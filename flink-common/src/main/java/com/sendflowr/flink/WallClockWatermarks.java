package com.sendflowr.flink;

import java.time.Clock;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event-time watermarks that keep advancing with the wall clock when inputs go idle.
 *
 * <p>Decisions fire on event-time timers at their trigger time. With ordinary bounded-lateness
 * watermarks, a quiet Kafka partition would hold time still and a decision would never fire. Here
 * the watermark is {@code max(maxEventTime - outOfOrderness, now - idleLag)}: events still drive it
 * when they run ahead of the clock, and the clock drives it when nothing arrives.
 *
 * <p>An event stamped more than {@link #MAX_CLOCK_SKEW} ahead of the wall clock (a producer with a
 * wrong clock) counts as stamped at {@code now + MAX_CLOCK_SKEW}: one such record must not move
 * event time hours ahead and fire every cleanup timer in between.
 */
public final class WallClockWatermarks {
  public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(1);

  private WallClockWatermarks() {}

  public static <T> WatermarkStrategy<T> strategy(
      SerializableTimestampAssigner<T> timestamps, Duration outOfOrderness, Duration idleLag) {
    long bound = outOfOrderness.toMillis();
    long lag = idleLag.toMillis();
    return WatermarkStrategy.<T>forGenerator(ctx -> new Generator<>(bound, lag, Clock.systemUTC()))
        .withTimestampAssigner(timestamps);
  }

  /** The generator; public for the unit test, which drives it with a fixed clock. */
  public static final class Generator<T> implements WatermarkGenerator<T> {
    private final long outOfOrdernessMillis;
    private final long idleLagMillis;
    private final Clock clock;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastEmitted = Long.MIN_VALUE;

    public Generator(long outOfOrdernessMillis, long idleLagMillis, Clock clock) {
      this.outOfOrdernessMillis = outOfOrdernessMillis;
      this.idleLagMillis = idleLagMillis;
      this.clock = clock;
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
      long latestPlausible = clock.millis() + MAX_CLOCK_SKEW.toMillis();
      maxTimestamp = Math.max(maxTimestamp, Math.min(eventTimestamp, latestPlausible));
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      long fromEvents =
          maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - outOfOrdernessMillis - 1;
      long fromClock = clock.millis() - idleLagMillis;
      long watermark = Math.max(fromEvents, fromClock);
      if (watermark > lastEmitted) { // watermarks must never go back
        lastEmitted = watermark;
        output.emitWatermark(new Watermark(watermark));
      }
    }
  }
}
