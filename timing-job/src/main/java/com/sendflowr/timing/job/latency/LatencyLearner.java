package com.sendflowr.timing.job.latency;

import com.sendflowr.flink.BinaryCodecTypeInfo;
import com.sendflowr.timing.job.ControlInput;
import com.sendflowr.timing.job.state.LatencyTrackerCodec;
import com.sendflowr.timing.model.LatencyTracker;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Learns each channel's latency per hour of the week (keyed by channel) and publishes the tracker
 * the decide operator should use: the delivery-feedback one once it has enough samples, else the
 * dispatcher-side one. Publishing is thinned out as evidence grows, since every update is broadcast
 * to every decide instance.
 */
public final class LatencyLearner
    extends KeyedProcessFunction<String, LatencySample, ControlInput.LatencyUpdate> {
  private static final long serialVersionUID = 1L;

  static final ValueStateDescriptor<LatencyTracker> DELIVERED =
      new ValueStateDescriptor<>(
          "latency-delivered", BinaryCodecTypeInfo.of(new LatencyTrackerCodec()));
  static final ValueStateDescriptor<LatencyTracker> DISPATCHED =
      new ValueStateDescriptor<>(
          "latency-dispatched", BinaryCodecTypeInfo.of(new LatencyTrackerCodec()));

  private final Duration defaultLatency;

  private transient ValueState<LatencyTracker> delivered;
  private transient ValueState<LatencyTracker> dispatched;

  public LatencyLearner(Duration defaultLatency) {
    this.defaultLatency = defaultLatency;
  }

  @Override
  public void open(OpenContext openContext) {
    delivered = getRuntimeContext().getState(DELIVERED);
    dispatched = getRuntimeContext().getState(DISPATCHED);
  }

  @Override
  public void processElement(
      LatencySample s, Context ctx, Collector<ControlInput.LatencyUpdate> out) throws Exception {
    boolean isDelivery = LatencySample.DELIVERED.equals(s.kind());
    ValueState<LatencyTracker> state = isDelivery ? delivered : dispatched;
    LatencyTracker t = state.value();
    if (t == null) {
      t = LatencyTracker.withDefaults(defaultLatency);
    }
    long before = t.observations();
    t.observe(s.triggerAt(), s.arrivedAt());
    if (t.observations() == before) {
      return; // not a latency (clock skew, a day-late replay)
    }
    state.update(t);
    // The tracker just updated is the one decisions should use if it is the delivery tracker with
    // enough samples, or the dispatcher-side one while deliveries are still too few.
    boolean inUse;
    if (isDelivery) {
      inUse = t.observations() >= LatencyTracker.MIN_SAMPLES;
    } else {
      LatencyTracker fromDeliveries = delivered.value();
      inUse = fromDeliveries == null || fromDeliveries.observations() < LatencyTracker.MIN_SAMPLES;
    }
    if (inUse && worthPublishing(t.observations())) {
      out.collect(new ControlInput.LatencyUpdate(ctx.getCurrentKey(), t.toBytes()));
    }
  }

  /** Every sample while learning starts, then every 20th: a broadcast costs every instance. */
  static boolean worthPublishing(long observations) {
    return observations <= LatencyTracker.MIN_SAMPLES || observations % 20 == 0;
  }
}
