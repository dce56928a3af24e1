package com.sendflowr.timing.model;

import com.sendflowr.contract.MinuteOfWeek;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Learns trigger-to-delivery latency from delivery feedback: an exponentially weighted mean per UTC
 * hour of the week (an ESP's Monday-morning campaign rush differs from its Sunday night), plus a
 * pooled mean for hours with too few samples. One tracker per execution channel; small enough to
 * live in keyed or broadcast state.
 */
public final class LatencyTracker implements LatencyModel {

  public static final byte FORMAT_VERSION = 2;

  private static final int HOURS = MinuteOfWeek.MINUTES_PER_WEEK / 60;
  private static final int V1_HOURS = 24;

  private final Duration defaultLatency;
  private final double alpha;
  private final int minSamples;
  private final double[] hourMean = new double[HOURS];
  private final long[] hourCount = new long[HOURS];
  private double pooledMean;
  private long pooledCount;

  /**
   * @param alpha EWMA weight of a new observation, so the estimate follows drifting ESP queues
   * @param minSamples observations an hour (or the pool) needs before its mean is trusted
   */
  public LatencyTracker(Duration defaultLatency, double alpha, int minSamples) {
    this.defaultLatency = Objects.requireNonNull(defaultLatency, "defaultLatency");
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1]");
    }
    if (minSamples < 1) {
      throw new IllegalArgumentException("minSamples must be >= 1");
    }
    this.alpha = alpha;
    this.minSamples = minSamples;
  }

  /** Observations an hour (or the pool) needs by default before its mean is trusted. */
  public static final int MIN_SAMPLES = 20;

  public static LatencyTracker withDefaults() {
    return withDefaults(Duration.ofSeconds(60));
  }

  /** The default learning rate and sample minimum, starting from {@code defaultLatency}. */
  public static LatencyTracker withDefaults(Duration defaultLatency) {
    return new LatencyTracker(defaultLatency, 0.05, MIN_SAMPLES);
  }

  /**
   * One delivery: the ESP was called at {@code dispatchedAt}, the message arrived at {@code at}.
   */
  public void observe(Instant dispatchedAt, Instant deliveredAt) {
    double s = Duration.between(dispatchedAt, deliveredAt).toMillis() / 1000.0;
    if (!(s >= 0) || s > 86_400) {
      return; // clock skew or a lost webhook replayed a day later: not a latency sample
    }
    int h = hourOf(dispatchedAt);
    hourMean[h] = hourCount[h] == 0 ? s : hourMean[h] + alpha * (s - hourMean[h]);
    hourCount[h]++;
    pooledMean = pooledCount == 0 ? s : pooledMean + alpha * (s - pooledMean);
    pooledCount++;
  }

  private static int hourOf(Instant t) {
    return MinuteOfWeek.of(t) / 60;
  }

  @Override
  public LatencyEstimate estimateAt(Instant dispatchAt) {
    int h = hourOf(dispatchAt);
    if (hourCount[h] >= minSamples) {
      return new LatencyEstimate(
          millis(hourMean[h]),
          LatencyEstimate.Source.LEARNED_HOURLY,
          // as "%s %02d:00 UTC, %d deliveries", without the formatter's cost on every decision
          DAYS[h / 24]
              + (h % 24 < 10 ? " 0" : " ")
              + (h % 24)
              + ":00 UTC, "
              + hourCount[h]
              + " deliveries");
    }
    if (pooledCount >= minSamples) {
      return new LatencyEstimate(
          millis(pooledMean),
          LatencyEstimate.Source.LEARNED_POOLED,
          "all hours, " + pooledCount + " deliveries");
    }
    return new LatencyEstimate(
        defaultLatency,
        LatencyEstimate.Source.CONFIGURED_DEFAULT,
        pooledCount + " deliveries observed, " + minSamples + " needed");
  }

  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

  private static Duration millis(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  public long observations() {
    return pooledCount;
  }

  /**
   * Layout v2: version, default latency ms (i64), alpha (f64), minSamples (i32), pooled mean (f64)
   * and count (i64), then 168 x (mean f64, count i64), hour 0 = Monday 00:00 UTC. Version 1 had 24
   * hours of the day; it is still read, each hour's samples standing for that hour on every day.
   */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(sizeOf(HOURS));
    b.put(FORMAT_VERSION);
    b.putLong(defaultLatency.toMillis());
    b.putDouble(alpha);
    b.putInt(minSamples);
    b.putDouble(pooledMean);
    b.putLong(pooledCount);
    for (int h = 0; h < HOURS; h++) {
      b.putDouble(hourMean[h]);
      b.putLong(hourCount[h]);
    }
    return b.array();
  }

  private static int sizeOf(int hours) {
    return 1 + 8 + 8 + 4 + 16 + hours * 16;
  }

  public static LatencyTracker fromBytes(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte version = bytes.length == 0 ? 0 : b.get();
    int hours =
        switch (version) {
          case 1 -> V1_HOURS;
          case 2 -> HOURS;
          default ->
              throw new IllegalArgumentException("unknown latency tracker format " + version);
        };
    if (bytes.length != sizeOf(hours)) {
      throw new IllegalArgumentException(
          "latency tracker v" + version + " of " + bytes.length + " bytes is malformed");
    }
    LatencyTracker t =
        new LatencyTracker(Duration.ofMillis(b.getLong()), b.getDouble(), b.getInt());
    t.pooledMean = b.getDouble();
    t.pooledCount = b.getLong();
    for (int h = 0; h < hours; h++) {
      double mean = b.getDouble();
      long count = b.getLong();
      if (hours == HOURS) {
        t.hourMean[h] = mean;
        t.hourCount[h] = count;
      } else {
        for (int day = 0; day < 7; day++) {
          t.hourMean[day * 24 + h] = mean;
          t.hourCount[day * 24 + h] = count;
        }
      }
    }
    return t;
  }
}
