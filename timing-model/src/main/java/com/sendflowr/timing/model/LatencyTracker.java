package com.sendflowr.timing.model;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Learns dispatch-to-delivery latency from delivery feedback: an exponentially weighted mean per
 * UTC hour of the day, plus a pooled mean for hours with too few samples. One tracker per channel
 * or ESP account; small enough to live in keyed or broadcast state.
 */
public final class LatencyTracker implements LatencyModel {

  public static final byte FORMAT_VERSION = 1;

  private static final int HOURS = 24;

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

  public static LatencyTracker withDefaults() {
    return new LatencyTracker(Duration.ofSeconds(60), 0.05, 20);
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
    return (int) Math.floorMod(Math.floorDiv(t.getEpochSecond(), 3600L), 24L);
  }

  @Override
  public LatencyEstimate estimateAt(Instant dispatchAt) {
    int h = hourOf(dispatchAt);
    if (hourCount[h] >= minSamples) {
      return new LatencyEstimate(
          millis(hourMean[h]),
          LatencyEstimate.Source.LEARNED_HOURLY,
          String.format("hour %02d UTC, %d deliveries", h, hourCount[h]));
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

  private static Duration millis(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  public long observations() {
    return pooledCount;
  }

  /**
   * Layout v1: version, default latency ms (i64), alpha (f64), minSamples (i32), pooled mean (f64)
   * and count (i64), then 24 x (mean f64, count i64).
   */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 8 + 4 + 16 + HOURS * 16);
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

  public static LatencyTracker fromBytes(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (bytes.length != 1 + 8 + 8 + 4 + 16 + HOURS * 16 || b.get() != FORMAT_VERSION) {
      throw new IllegalArgumentException("not a v1 latency tracker");
    }
    LatencyTracker t =
        new LatencyTracker(Duration.ofMillis(b.getLong()), b.getDouble(), b.getInt());
    t.pooledMean = b.getDouble();
    t.pooledCount = b.getLong();
    for (int h = 0; h < HOURS; h++) {
      t.hourMean[h] = b.getDouble();
      t.hourCount[h] = b.getLong();
    }
    return t;
  }
}
