package com.sendflowr.timing.job.state;

import com.sendflowr.flink.BinaryCodec;
import com.sendflowr.timing.model.LatencyTracker;

/** The timing model's own versioned layout of a channel's latency tracker, as Flink state. */
public final class LatencyTrackerCodec implements BinaryCodec<LatencyTracker> {
  private static final long serialVersionUID = 1L;

  @Override
  public Class<LatencyTracker> type() {
    return LatencyTracker.class;
  }

  @Override
  public byte[] encode(LatencyTracker value) {
    return value.toBytes();
  }

  @Override
  public LatencyTracker decode(byte[] bytes) {
    return LatencyTracker.fromBytes(bytes);
  }
}
