package com.sendflowr.dispatch;

import com.sendflowr.config.ConnectorConfig;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.esp.IdempotencyKeys;
import com.sendflowr.flink.codec.DispatchOutcomeCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by request: holds the latest decision version with an event-time timer at its trigger, and
 * at fire time resolves the intent to the ESP bindings in force <em>then</em> (so an ESP switch
 * applies to decisions already scheduled), one per channel: the decision goes out on each. A ledger
 * of the dispatched decision keeps a request from ever being sent twice. Decisions that will not be
 * sent are recorded as outcomes, never dropped.
 */
public final class DispatchScheduler
    extends KeyedBroadcastProcessFunction<String, TimingDecision, ConfigChange, DispatchCommand> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DispatchScheduler.class);

  public static final OutputTag<DispatchOutcome> OUTCOMES =
      new OutputTag<>("outcomes", DispatchOutcomeCodec.TYPE);

  /** State is kept this long after the last possible fire time, to recognise late versions. */
  static final Duration RETENTION = Duration.ofHours(1);

  /**
   * How long a due decision waits for its intent's binding before it ends {@code unroutable}. The
   * config topic is read from its start whenever the job starts, and on a fresh start a decision
   * can fall due before its binding has been read; it re-checks every {@link #BINDING_RECHECK}.
   */
  static final Duration BINDING_WAIT = Duration.ofSeconds(30);

  static final Duration BINDING_RECHECK = Duration.ofSeconds(1);

  private transient ValueState<TimingDecision> latest;
  private transient ValueState<String> dispatchedDecisionId;
  private transient ValueState<Long> cleanupAt;

  /** The decision whose outcome this operator already wrote without calling an ESP. */
  private transient ValueState<String> resolvedDecisionId;

  @Override
  public void open(OpenContext openContext) {
    latest =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("latest-decision", LatestDecisionCodec.TYPE));
    dispatchedDecisionId =
        getRuntimeContext().getState(new ValueStateDescriptor<>("dispatched", Types.STRING));
    cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG));
    resolvedDecisionId =
        getRuntimeContext().getState(new ValueStateDescriptor<>("resolved", Types.STRING));
  }

  @Override
  public void processElement(TimingDecision d, ReadOnlyContext ctx, Collector<DispatchCommand> out)
      throws Exception {
    TimingDecision current = latest.value();
    if (current != null && current.version() >= d.version()) {
      return; // a replayed or older version: the latest one rules
    }
    Instant now = Instant.ofEpochMilli(ctx.currentProcessingTime());
    if (dispatchedDecisionId.value() != null) {
      ctx.output(
          OUTCOMES,
          Outcomes.withoutCall(
              d,
              null,
              now,
              OutcomeState.CANCELLED,
              "request already dispatched as decision " + dispatchedDecisionId.value()));
      return;
    }
    if (current != null) {
      ctx.timerService().deleteEventTimeTimer(current.triggerTimestampUtc().toEpochMilli());
    }
    latest.update(d);
    if (d.status() == DecisionStatus.SCHEDULED) {
      ctx.timerService().registerEventTimeTimer(d.triggerTimestampUtc().toEpochMilli());
    } else {
      OutcomeState state =
          switch (d.status()) {
            case SUPPRESSED -> OutcomeState.SUPPRESSED;
            case EXPIRED -> OutcomeState.EXPIRED;
            default -> OutcomeState.CANCELLED;
          };
      ctx.output(
          OUTCOMES, Outcomes.withoutCall(d, null, now, state, "decision " + d.status().wire()));
      resolvedDecisionId.update(d.decisionId());
    }
    scheduleCleanup(ctx, d);
  }

  private void scheduleCleanup(ReadOnlyContext ctx, TimingDecision d) throws Exception {
    Instant lastFire = d.notAfter() == null ? d.triggerTimestampUtc() : d.notAfter();
    if (lastFire.isBefore(d.triggerTimestampUtc())) {
      lastFire = d.triggerTimestampUtc();
    }
    long at = lastFire.plus(RETENTION).toEpochMilli();
    Long previous = cleanupAt.value();
    if (previous == null || previous < at) {
      if (previous != null) {
        ctx.timerService().deleteEventTimeTimer(previous);
      }
      cleanupAt.update(at);
      ctx.timerService().registerEventTimeTimer(at);
    }
  }

  @Override
  public void processBroadcastElement(
      ConfigChange change, Context ctx, Collector<DispatchCommand> out) throws Exception {
    BroadcastState<String, IntentBinding> bindings =
        ctx.getBroadcastState(ConnectorConfig.BINDINGS);
    ConnectorConfig.Update update;
    try {
      update = ConnectorConfig.apply(Optional.ofNullable(bindings.get(change.entityId())), change);
      // keyed by channel key (the intent id, or intent/channel): an intent may have several
    } catch (IllegalArgumentException e) {
      // The topology parses with ConnectorConfig.parse, which dead-letters malformed bindings;
      // this only guards callers that feed the operator directly.
      LOG.warn("ignoring malformed config change {}: {}", change.key(), e.getMessage());
      return;
    }
    if (update instanceof ConnectorConfig.Put put) {
      bindings.put(change.entityId(), put.binding());
    } else if (update instanceof ConnectorConfig.Remove remove) {
      bindings.remove(remove.key());
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<DispatchCommand> out)
      throws Exception {
    Long cleanup = cleanupAt.value();
    if (cleanup != null && cleanup == timestamp) {
      if (ctx.timerService().currentProcessingTime() < timestamp) {
        // Event time ran ahead of the wall clock: keep the state until the clock gets there.
        ctx.timerService().registerProcessingTimeTimer(timestamp);
        return;
      }
      TimingDecision d = latest.value();
      if (d != null
          && d.status() == DecisionStatus.SCHEDULED
          && dispatchedDecisionId.value() == null
          && !d.decisionId().equals(resolvedDecisionId.value())) {
        // Unreachable unless a timer was lost; even then the decision ends with an outcome.
        resolve(
            ctx,
            d,
            null,
            Instant.ofEpochMilli(ctx.timerService().currentProcessingTime()),
            OutcomeState.EXPIRED,
            "state retention ended before the decision fired; needs a new decision");
      }
      latest.clear();
      dispatchedDecisionId.clear();
      cleanupAt.clear();
      resolvedDecisionId.clear();
      return;
    }
    TimingDecision d = latest.value();
    // A timer before the trigger belongs to an older version; one after it is a re-check for the
    // binding (whichever version it was set for, the latest one is due by then).
    if (d == null
        || d.status() != DecisionStatus.SCHEDULED
        || timestamp < d.triggerTimestampUtc().toEpochMilli()
        || dispatchedDecisionId.value() != null
        || d.decisionId().equals(resolvedDecisionId.value())) {
      return;
    }
    long nowMillis = ctx.timerService().currentProcessingTime();
    if (nowMillis < timestamp) {
      // The watermark ran ahead of the wall clock (an event from a fast clock): never fire early.
      ctx.timerService().registerProcessingTimeTimer(timestamp);
      return;
    }
    Instant now = Instant.ofEpochMilli(nowMillis);
    List<IntentBinding> channels =
        ConnectorConfig.bindingsOf(ctx.getBroadcastState(ConnectorConfig.BINDINGS), d.intentId());
    if (channels.isEmpty()) {
      if (Duration.between(d.triggerTimestampUtc(), now).compareTo(BINDING_WAIT) < 0) {
        ctx.timerService().registerProcessingTimeTimer(now.plus(BINDING_RECHECK).toEpochMilli());
        return;
      }
      resolve(
          ctx,
          d,
          null,
          now,
          OutcomeState.UNROUTABLE,
          "no ESP binding for intent "
              + d.intentId()
              + " (waited "
              + BINDING_WAIT.toSeconds()
              + " s after the trigger)");
      return;
    }
    // Every channel of the intent gets the decision, each with its own lateness budget and its
    // own outcome; the ledger marks the request dispatched once any channel is called.
    List<DispatchCommand> calls = new ArrayList<>(channels.size());
    for (IntentBinding binding : channels) {
      String late = tooLate(d, binding, now);
      if (late != null) {
        ctx.output(OUTCOMES, Outcomes.withoutCall(d, binding, now, OutcomeState.EXPIRED, late));
      } else {
        // A dry-run binding goes on too: the ESP caller builds the real request and records it.
        calls.add(
            new DispatchCommand(
                d, binding, IdempotencyKeys.of(d.decisionId(), binding.bindingId()), now));
      }
    }
    if (calls.isEmpty()) {
      resolvedDecisionId.update(d.decisionId());
      return;
    }
    dispatchedDecisionId.update(d.decisionId());
    calls.forEach(out::collect);
  }

  /** Why the decision may no longer go out on this binding, or null when it may. */
  private static String tooLate(TimingDecision d, IntentBinding binding, Instant now) {
    if (d.notAfter() != null && now.isAfter(d.notAfter())) {
      return "due at "
          + now
          + ", after the request's not_after "
          + d.notAfter()
          + "; never sent late, needs a new decision";
    }
    Duration lateness = Duration.between(d.triggerTimestampUtc(), now);
    if (lateness.toSeconds() > binding.maxLatenessSeconds()) {
      return "fired "
          + lateness.toMillis()
          + " ms after its trigger, beyond the intent's max lateness of "
          + binding.maxLatenessSeconds()
          + " s; needs a new decision";
    }
    return null;
  }

  /** Ends the decision without an ESP call: its one outcome, and no second one later. */
  private void resolve(
      OnTimerContext ctx,
      TimingDecision d,
      IntentBinding binding,
      Instant now,
      OutcomeState state,
      String detail)
      throws Exception {
    ctx.output(OUTCOMES, Outcomes.withoutCall(d, binding, now, state, detail));
    resolvedDecisionId.update(d.decisionId());
  }
}
