package com.sendflowr.timing.job;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.SignalType;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.DeadLetters;
import com.sendflowr.flink.JsonRecordTypeInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per recipient: remembers what it needs from signals and turns each send request into one
 * decision. A redelivered request is recognised and not decided twice. Thin: the choice itself is
 * {@link AsapRule}'s.
 */
public final class RequestDecider
    extends KeyedCoProcessFunction<String, Signal, SendRequest, TimingDecision> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<ExplanationRow> EXPLANATIONS =
      new OutputTag<>("explanations", JsonRecordTypeInfo.of(ExplanationRow.class));

  /** How long a decided request id is remembered after its window closes, to drop redeliveries. */
  static final Duration REQUEST_RETENTION = Duration.ofDays(1);

  private final Duration defaultWindow;
  private final Duration latency;

  private transient AsapRule rule;
  private transient ValueState<Long> engagementSignals;
  private transient MapState<String, Long> decidedRequests; // request id -> forget-at millis
  private transient Counter duplicates;

  public RequestDecider(Duration defaultWindow, Duration latency) {
    this.defaultWindow = defaultWindow;
    this.latency = latency;
  }

  @Override
  public void open(OpenContext openContext) {
    rule = new AsapRule(defaultWindow, latency);
    engagementSignals =
        getRuntimeContext().getState(new ValueStateDescriptor<>("engagement-signals", Types.LONG));
    decidedRequests =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("decided-requests", Types.STRING, Types.LONG));
    duplicates = getRuntimeContext().getMetricGroup().counter("duplicateRequests");
  }

  @Override
  public void processElement1(Signal signal, Context ctx, Collector<TimingDecision> out)
      throws Exception {
    if (signal.knownType().map(t -> t.category() == SignalType.Category.ENGAGEMENT).orElse(false)) {
      Long seen = engagementSignals.value();
      engagementSignals.update(seen == null ? 1 : seen + 1);
    }
  }

  @Override
  public void processElement2(SendRequest request, Context ctx, Collector<TimingDecision> out)
      throws Exception {
    if (decidedRequests.contains(request.requestId())) {
      duplicates.inc();
      return;
    }
    Instant now = Instant.ofEpochMilli(ctx.timerService().currentProcessingTime());
    Long seen = engagementSignals.value();
    AsapRule.Decided decided = rule.decide(request, 1, seen == null ? 0 : seen, now);
    if (decided == null) {
      ctx.output(
          DeadLetters.TAG,
          Contracts.deadLetter(
              "timing-job/send-requests",
              null,
              request.recipientKey(),
              Contracts.toJson(request),
              RejectReason.TIMESTAMP_OUT_OF_RANGE,
              "the request window closed before the request was decided",
              now));
      return;
    }
    TimingDecision decision = decided.decision();
    long forgetAt = decision.notAfter().plus(REQUEST_RETENTION).toEpochMilli();
    decidedRequests.put(request.requestId(), forgetAt);
    ctx.timerService().registerEventTimeTimer(forgetAt);
    out.collect(decision);
    ctx.output(EXPLANATIONS, decided.explanation());
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TimingDecision> out)
      throws Exception {
    List<String> expired = new ArrayList<>();
    for (Map.Entry<String, Long> e : decidedRequests.entries()) {
      if (e.getValue() <= timestamp) {
        expired.add(e.getKey());
      }
    }
    for (String requestId : expired) {
      decidedRequests.remove(requestId);
    }
  }
}
