package com.sendflowr.timing.job.latency;

import com.sendflowr.flink.JsonRecordTypeInfo;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Pairs a dispatch outcome with its delivery webhook (keyed by decision id) into a latency sample.
 * A dispatch whose delivery never reports within {@link #WAIT} still teaches the dispatcher-side
 * latency; a delivery without its outcome is dropped (it names no channel).
 */
public final class LatencyJoin
    extends KeyedProcessFunction<String, LatencyEvidence, LatencySample> {
  private static final long serialVersionUID = 1L;

  public static final Duration WAIT = Duration.ofHours(1);

  static final ValueStateDescriptor<LatencyEvidence> EVIDENCE =
      new ValueStateDescriptor<>("latency-evidence", JsonRecordTypeInfo.of(LatencyEvidence.class));

  private transient ValueState<LatencyEvidence> evidence;

  @Override
  public void open(OpenContext openContext) {
    evidence = getRuntimeContext().getState(EVIDENCE);
  }

  @Override
  public void processElement(LatencyEvidence in, Context ctx, Collector<LatencySample> out)
      throws Exception {
    LatencyEvidence held = evidence.value();
    LatencyEvidence merged = held == null ? in : in.merge(held);
    if (merged.complete()) {
      out.collect(
          new LatencySample(
              merged.channel(), merged.triggerAt(), merged.deliveredAt(), LatencySample.DELIVERED));
      evidence.clear(); // the pending timer finds nothing and does nothing
      return;
    }
    if (held == null) {
      ctx.timerService()
          .registerEventTimeTimer(ctx.timerService().currentWatermark() + WAIT.toMillis());
    }
    evidence.update(merged);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<LatencySample> out)
      throws Exception {
    LatencyEvidence held = evidence.value();
    if (held != null && held.channel() != null && held.acceptedAt() != null) {
      out.collect(
          new LatencySample(
              held.channel(), held.triggerAt(), held.acceptedAt(), LatencySample.DISPATCHED));
    }
    evidence.clear();
  }
}
