package com.sendflowr.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.config.ConnectorConfig;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.esp.IdempotencyKeys;
import com.sendflowr.flink.JsonRecordTypeInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DispatchSchedulerTest {
  private static final Instant T0 = Instant.parse("2026-01-05T09:30:00Z");
  private static final Instant TRIGGER = T0.plus(Duration.ofMinutes(10));
  private static final Instant NOT_AFTER = T0.plus(Duration.ofHours(2));
  private static final Instant CLEANUP = NOT_AFTER.plus(DispatchScheduler.RETENTION);
  private static final String INTENT = "promo_jan";

  private KeyedBroadcastOperatorTestHarness<String, TimingDecision, ConfigChange, DispatchCommand>
      harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new DispatchScheduler(),
            TimingDecision::requestId,
            Types.STRING,
            ConnectorConfig.BINDINGS);
    harness.setProcessingTime(T0.toEpochMilli());
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  // ---------------------------------------------------------------- fixtures

  static ConfigChange binding(long version, String bindingId, Map<String, Object> extra) {
    Map<String, Object> snapshot = new HashMap<>();
    snapshot.put("esp", "klaviyo");
    snapshot.put("binding_id", bindingId);
    snapshot.put("account", "brand-a");
    snapshot.put("credential_ref", "brand-a-klaviyo");
    snapshot.put("metric_name", "SendFlowr promo_jan v" + version);
    snapshot.putAll(extra);
    return new ConfigChange(
        IntentBinding.ENTITY_TYPE, INTENT, version, T0.minusSeconds(60), false, snapshot);
  }

  static ConfigChange binding(long version, String bindingId) {
    return binding(version, bindingId, Map.of());
  }

  static TimingDecision decision(
      String requestId, int version, DecisionStatus status, Instant trigger) {
    return ContractSamples.decision(
        requestId, version, status, trigger, NOT_AFTER, Map.of("email", "a@b.co"));
  }

  static TimingDecision scheduled(String requestId, int version, Instant trigger) {
    return decision(requestId, version, DecisionStatus.SCHEDULED, trigger);
  }

  /** Moves the wall clock first, then event time on both inputs, as a live job would. */
  private void advanceTo(Instant t) throws Exception {
    harness.setProcessingTime(t.toEpochMilli());
    harness.processWatermark(t.toEpochMilli());
    harness.processBroadcastWatermark(t.toEpochMilli());
  }

  private void watermark(Instant t) throws Exception {
    harness.processWatermark(t.toEpochMilli());
    harness.processBroadcastWatermark(t.toEpochMilli());
  }

  private List<DispatchCommand> commands() {
    return harness.extractOutputValues();
  }

  private List<DispatchOutcome> outcomes() {
    var side = harness.getSideOutput(DispatchScheduler.OUTCOMES);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  private int keyedStateEntries() {
    return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend())
        .numKeyValueStateEntries();
  }

  // ---------------------------------------------------------------- firing

  @Test
  void aScheduledDecisionFiresOnceAtItsTriggerWithTheBindingInForceThen() throws Exception {
    harness.processBroadcastElement(binding(1, "b-v1"), T0.toEpochMilli());
    TimingDecision d = scheduled("req-1", 1, TRIGGER);
    harness.processElement(d, T0.toEpochMilli());
    assertThat(harness.numEventTimeTimers()).as("trigger + cleanup").isEqualTo(2);

    // The brand moves to another binding after the decision was scheduled ...
    harness.processBroadcastElement(binding(2, "b-v2"), T0.plusSeconds(60).toEpochMilli());
    // ... and a replayed old config change does not undo it.
    harness.processBroadcastElement(binding(1, "b-v1"), T0.plusSeconds(61).toEpochMilli());
    assertThat(harness.getBroadcastState(ConnectorConfig.BINDINGS).get(INTENT).bindingId())
        .isEqualTo("b-v2");

    advanceTo(TRIGGER.minusMillis(1));
    assertThat(commands()).isEmpty();

    advanceTo(TRIGGER);
    assertThat(commands()).hasSize(1);
    DispatchCommand c = commands().get(0);
    assertThat(c.decision()).isEqualTo(d);
    assertThat(c.binding().bindingId()).isEqualTo("b-v2");
    assertThat(c.binding().version()).isEqualTo(2);
    assertThat(c.binding().metricName()).isEqualTo("SendFlowr promo_jan v2");
    assertThat(c.idempotencyKey())
        .isEqualTo(IdempotencyKeys.of(d.decisionId(), "b-v2"))
        .isNotEqualTo(IdempotencyKeys.of(d.decisionId(), "b-v1"));
    assertThat(c.firedAt()).isEqualTo(TRIGGER);
    assertThat(outcomes()).isEmpty();
    assertThat(harness.numEventTimeTimers()).as("only the cleanup timer is left").isEqualTo(1);

    advanceTo(TRIGGER.plusSeconds(30));
    assertThat(commands()).hasSize(1);
  }

  static ConfigChange channel(long version, String channel, Map<String, Object> extra) {
    Map<String, Object> snapshot = new HashMap<>();
    snapshot.put("esp", "braze");
    snapshot.put("binding_id", "b-" + channel);
    snapshot.put("account", "brand-a-braze");
    snapshot.put("credential_ref", "brand-a-braze");
    snapshot.put("campaign_id", "cmp-" + channel);
    snapshot.put("channel", channel);
    snapshot.putAll(extra);
    return new ConfigChange(
        IntentBinding.ENTITY_TYPE,
        IntentBinding.channelKey(INTENT, channel),
        version,
        T0.minusSeconds(60),
        false,
        snapshot);
  }

  @Test
  void aDecisionFiresOnEveryChannelOfItsIntentEachWithItsOwnKeyAndOutcome() throws Exception {
    harness.processBroadcastElement(binding(1, "b-email"), T0.toEpochMilli());
    harness.processBroadcastElement(channel(2, "push", Map.of()), T0.toEpochMilli());
    harness.processBroadcastElement(
        channel(3, "sms", Map.of("max_lateness_seconds", 0)), T0.toEpochMilli());
    harness.processBroadcastElement(channel(4, "inbox", Map.of()), T0.toEpochMilli());
    // disabling a channel removes it; another intent's channels are not this one's
    harness.processBroadcastElement(
        channel(5, "inbox", Map.of("enabled", false)), T0.toEpochMilli());
    harness.processBroadcastElement(
        new ConfigChange(
            IntentBinding.ENTITY_TYPE,
            "promo_janx/push",
            6,
            T0,
            false,
            Map.of("esp", "braze", "credential_ref", "x", "campaign_id", "other")),
        T0.toEpochMilli());
    TimingDecision d = scheduled("req-1", 1, TRIGGER);
    harness.processElement(d, T0.toEpochMilli());

    // one second late: within the default budget, beyond the sms channel's budget of 0 s
    advanceTo(TRIGGER.plusMillis(1_500));
    assertThat(commands())
        .extracting(c -> c.binding().bindingId())
        .containsExactly("b-email", "b-push");
    assertThat(commands()).extracting(DispatchCommand::idempotencyKey).doesNotHaveDuplicates();
    assertThat(outcomes()).hasSize(1);
    assertThat(outcomes().get(0).bindingId()).isEqualTo("b-sms");
    assertThat(outcomes().get(0).state()).isEqualTo(OutcomeState.EXPIRED);

    // a newer version after the fan-out is cancelled once, as for one channel
    harness.processElement(scheduled("req-1", 2, TRIGGER.plusSeconds(60)), T0.toEpochMilli());
    assertThat(outcomes()).hasSize(2);
    assertThat(outcomes().get(1).state()).isEqualTo(OutcomeState.CANCELLED);
    advanceTo(CLEANUP);
    assertThat(commands()).hasSize(2);
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(keyedStateEntries()).isZero();
  }

  @Test
  void itNeverFiresBeforeTheWallClockEvenWhenTheWatermarkRunsAhead() throws Exception {
    harness.processBroadcastElement(binding(1, "b-v1"), T0.toEpochMilli());
    harness.processElement(scheduled("req-1", 1, TRIGGER), T0.toEpochMilli());

    watermark(TRIGGER.plusSeconds(5)); // an event from a fast clock; the wall clock is still T0
    assertThat(commands()).isEmpty();
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    harness.setProcessingTime(TRIGGER.minusMillis(1).toEpochMilli());
    assertThat(commands()).isEmpty();

    harness.setProcessingTime(TRIGGER.toEpochMilli());
    assertThat(commands()).hasSize(1);
    assertThat(commands().get(0).firedAt()).isEqualTo(TRIGGER);
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void aNewerVersionSupersedesTheScheduledOne() throws Exception {
    harness.processBroadcastElement(binding(1, "b-v1"), T0.toEpochMilli());
    harness.processElement(scheduled("req-1", 1, TRIGGER), T0.toEpochMilli());
    TimingDecision v2 = scheduled("req-1", 2, TRIGGER.plus(Duration.ofMinutes(10)));
    harness.processElement(v2, T0.plusSeconds(1).toEpochMilli());

    assertThat(harness.numEventTimeTimers())
        .as("the old trigger timer is deleted: new trigger + cleanup")
        .isEqualTo(2);
    assertThat(outcomes()).isEmpty();

    advanceTo(TRIGGER);
    assertThat(commands()).isEmpty();

    advanceTo(v2.triggerTimestampUtc());
    assertThat(commands())
        .extracting(c -> c.decision().decisionId())
        .containsExactly("dec-req-1-v2");
  }

  @Test
  void anOlderOrReplayedVersionIsIgnored() throws Exception {
    harness.processBroadcastElement(binding(1, "b-v1"), T0.toEpochMilli());
    TimingDecision v2 = scheduled("req-1", 2, TRIGGER);
    harness.processElement(v2, T0.toEpochMilli());
    harness.processElement(scheduled("req-1", 1, TRIGGER.minusSeconds(60)), T0.toEpochMilli());
    harness.processElement(
        decision("req-1", 1, DecisionStatus.CANCELLED, TRIGGER), T0.toEpochMilli());
    harness.processElement(v2, T0.toEpochMilli()); // redelivered

    assertThat(outcomes()).isEmpty();
    assertThat(harness.numEventTimeTimers()).isEqualTo(2);

    advanceTo(TRIGGER.minusSeconds(60));
    assertThat(commands()).isEmpty();
    advanceTo(TRIGGER);
    assertThat(commands()).extracting(DispatchCommand::decision).containsExactly(v2);
  }

  // ---------------------------------------------------------------- outcomes without a call

  @Test
  void withoutABindingTheDecisionWaitsForItThenIsUnroutable() throws Exception {
    TimingDecision d = scheduled("req-1", 1, TRIGGER);
    harness.processElement(d, T0.toEpochMilli());
    advanceTo(TRIGGER.plusMillis(250));
    assertThat(outcomes()).as("config may still be loading: it waits").isEmpty();
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    Instant late = TRIGGER.plus(DispatchScheduler.BINDING_WAIT).plusMillis(250);
    for (Instant t = TRIGGER.plusSeconds(1); !t.isAfter(late); t = t.plusSeconds(1)) {
      advanceTo(t);
    }
    advanceTo(late);

    assertThat(commands()).isEmpty();
    assertThat(outcomes()).hasSize(1);
    DispatchOutcome o = outcomes().get(0);
    assertThat(o.state()).isEqualTo(OutcomeState.UNROUTABLE);
    assertThat(o.decisionId()).isEqualTo(d.decisionId());
    assertThat(o.requestId()).isEqualTo("req-1");
    assertThat(o.intentId()).isEqualTo(INTENT);
    assertThat(o.detail()).contains(INTENT);
    assertThat(o.bindingId()).isNull();
    assertThat(o.attempts()).isZero();
    assertThat(Duration.between(TRIGGER, o.firedAt()))
        .isGreaterThanOrEqualTo(DispatchScheduler.BINDING_WAIT);
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void aDecisionDueBeforeItsBindingWasReadFiresOnceTheBindingArrives() throws Exception {
    // A fresh start: the decision's timer fires before the compacted config topic is read.
    TimingDecision d = scheduled("req-1", 1, TRIGGER);
    harness.processElement(d, T0.toEpochMilli());
    advanceTo(TRIGGER);
    advanceTo(TRIGGER.plusSeconds(1));
    assertThat(commands()).isEmpty();

    harness.processBroadcastElement(binding(1, "b-v1"), TRIGGER.toEpochMilli());
    advanceTo(TRIGGER.plusSeconds(2));

    assertThat(outcomes()).isEmpty();
    assertThat(commands()).extracting(DispatchCommand::decision).containsExactly(d);
    advanceTo(TRIGGER.plusSeconds(10));
    assertThat(commands()).as("exactly once").hasSize(1);
  }

  @Test
  void aBindingRemovedBeforeTheTriggerMakesTheDecisionUnroutable() throws Exception {
    harness.processBroadcastElement(binding(1, "b-v1"), T0.toEpochMilli());
    harness.processElement(scheduled("req-1", 1, TRIGGER), T0.toEpochMilli());
    harness.processBroadcastElement(
        new ConfigChange(IntentBinding.ENTITY_TYPE, INTENT, 2, T0, true, Map.of()),
        T0.toEpochMilli());
    Instant late = TRIGGER.plus(DispatchScheduler.BINDING_WAIT).plusSeconds(1);
    for (Instant t = TRIGGER; !t.isAfter(late); t = t.plusSeconds(1)) {
      advanceTo(t);
    }

    assertThat(commands()).isEmpty();
    assertThat(outcomes())
        .extracting(DispatchOutcome::state)
        .containsExactly(OutcomeState.UNROUTABLE);
  }

  @Test
  void aMalformedConfigChangeKeepsTheCurrentBinding() throws Exception {
    harness.processBroadcastElement(binding(1, "b-v1"), T0.toEpochMilli());
    harness.processBroadcastElement(
        new ConfigChange(IntentBinding.ENTITY_TYPE, INTENT, 2, T0, false, Map.of("esp", "klaviyo")),
        T0.toEpochMilli()); // no credential_ref
    harness.processElement(scheduled("req-1", 1, TRIGGER), T0.toEpochMilli());
    advanceTo(TRIGGER);

    assertThat(commands()).extracting(c -> c.binding().bindingId()).containsExactly("b-v1");
  }

  @Test
  void firingLaterThanTheMaxLatenessExpiresTheDecision() throws Exception {
    harness.processBroadcastElement(
        binding(1, "b-v1", Map.of("max_lateness_seconds", 60)), T0.toEpochMilli());
    TimingDecision d = scheduled("req-1", 1, TRIGGER);
    harness.processElement(d, T0.toEpochMilli());

    advanceTo(TRIGGER.plusSeconds(61)); // e.g. the job was down
    assertThat(commands()).isEmpty();
    assertThat(outcomes()).hasSize(1);
    DispatchOutcome o = outcomes().get(0);
    assertThat(o.state()).isEqualTo(OutcomeState.EXPIRED);
    assertThat(o.bindingId()).isEqualTo("b-v1");
    assertThat(o.latenessMillis()).isEqualTo(61_000);
    assertThat(o.detail()).contains("max lateness");
  }

  @Test
  void firingWithinTheMaxLatenessStillSends() throws Exception {
    harness.processBroadcastElement(
        binding(1, "b-v1", Map.of("max_lateness_seconds", 60)), T0.toEpochMilli());
    harness.processElement(scheduled("req-1", 1, TRIGGER), T0.toEpochMilli());

    advanceTo(TRIGGER.plusSeconds(60));
    assertThat(outcomes()).isEmpty();
    assertThat(commands()).hasSize(1);
    assertThat(commands().get(0).firedAt()).isEqualTo(TRIGGER.plusSeconds(60));
  }

  @Test
  void aDryRunBindingIsFiredLikeAnyOtherForTheCallerToRecord() throws Exception {
    harness.processBroadcastElement(
        binding(1, "b-dry", Map.of("dry_run", true, "campaign_id", "c-1")), T0.toEpochMilli());
    TimingDecision d = scheduled("req-1", 1, TRIGGER);
    harness.processElement(d, T0.toEpochMilli());
    advanceTo(TRIGGER);

    assertThat(outcomes()).isEmpty();
    assertThat(commands())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.binding().dryRun()).isTrue();
              assertThat(c.binding().bindingId()).isEqualTo("b-dry");
              assertThat(c.idempotencyKey()).isEqualTo(IdempotencyKeys.of(d.decisionId(), "b-dry"));
            });
  }

  @Test
  void cancelledAndSuppressedDecisionsAreRecordedAndNeverScheduled() throws Exception {
    harness.processBroadcastElement(binding(1, "b-v1"), T0.toEpochMilli());
    harness.processElement(
        decision("req-c", 1, DecisionStatus.CANCELLED, TRIGGER), T0.toEpochMilli());
    harness.processElement(
        decision("req-s", 1, DecisionStatus.SUPPRESSED, TRIGGER), T0.toEpochMilli());

    assertThat(outcomes())
        .extracting(DispatchOutcome::requestId, DispatchOutcome::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("req-c", OutcomeState.CANCELLED),
            org.assertj.core.groups.Tuple.tuple("req-s", OutcomeState.SUPPRESSED));
    assertThat(outcomes()).allSatisfy(o -> assertThat(o.firedAt()).isEqualTo(T0));
    assertThat(harness.numEventTimeTimers())
        .as("cleanup timers only, one per request")
        .isEqualTo(2);

    advanceTo(TRIGGER.plusSeconds(1));
    assertThat(commands()).isEmpty();
    assertThat(outcomes()).hasSize(2);
  }

  @Test
  void aCancellationWithdrawsAScheduledDecision() throws Exception {
    harness.processBroadcastElement(binding(1, "b-v1"), T0.toEpochMilli());
    harness.processElement(scheduled("req-1", 1, TRIGGER), T0.toEpochMilli());
    harness.processElement(
        decision("req-1", 2, DecisionStatus.CANCELLED, TRIGGER), T0.plusSeconds(1).toEpochMilli());

    assertThat(outcomes())
        .extracting(DispatchOutcome::decisionId, DispatchOutcome::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("dec-req-1-v2", OutcomeState.CANCELLED));
    assertThat(harness.numEventTimeTimers()).as("cleanup only").isEqualTo(1);

    advanceTo(TRIGGER);
    assertThat(commands()).isEmpty();
  }

  // ---------------------------------------------------------------- ledger and cleanup

  @Test
  void aDecisionArrivingAfterTheDispatchIsCancelledAsAlreadyDispatched() throws Exception {
    harness.processBroadcastElement(binding(1, "b-v1"), T0.toEpochMilli());
    harness.processElement(scheduled("req-1", 1, TRIGGER), T0.toEpochMilli());
    advanceTo(TRIGGER);
    assertThat(commands()).hasSize(1);
    int timers = harness.numEventTimeTimers();

    TimingDecision late = scheduled("req-1", 2, TRIGGER.plusSeconds(300));
    harness.processElement(late, TRIGGER.plusSeconds(5).toEpochMilli());

    assertThat(outcomes()).hasSize(1);
    DispatchOutcome o = outcomes().get(0);
    assertThat(o.state()).isEqualTo(OutcomeState.CANCELLED);
    assertThat(o.decisionId()).isEqualTo("dec-req-1-v2");
    assertThat(o.detail()).contains("already dispatched").contains("dec-req-1-v1");
    assertThat(harness.numEventTimeTimers()).isEqualTo(timers);

    advanceTo(late.triggerTimestampUtc());
    assertThat(commands()).hasSize(1);
  }

  @Test
  void afterTheCleanupTimerNoKeyedStateIsLeft() throws Exception {
    harness.processBroadcastElement(binding(1, "b-v1"), T0.toEpochMilli());
    harness.processElement(scheduled("req-1", 1, TRIGGER), T0.toEpochMilli());
    advanceTo(TRIGGER);
    assertThat(commands()).hasSize(1);
    assertThat(keyedStateEntries()).as("latest, dispatched, cleanup-at").isEqualTo(3);

    advanceTo(CLEANUP.minusMillis(1));
    assertThat(keyedStateEntries()).isEqualTo(3);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    advanceTo(CLEANUP);
    assertThat(keyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
    assertThat(commands()).hasSize(1);
    assertThat(outcomes()).isEmpty();
    // the bindings are broadcast state, not keyed: they stay
    assertThat(harness.getBroadcastState(ConnectorConfig.BINDINGS).get(INTENT)).isNotNull();
  }

  @Test
  void anUndispatchedRequestIsCleanedUpToo() throws Exception {
    harness.processElement(
        decision("req-s", 1, DecisionStatus.SUPPRESSED, TRIGGER), T0.toEpochMilli());
    assertThat(keyedStateEntries()).isEqualTo(3); // latest, resolved, cleanup-at

    advanceTo(CLEANUP);
    assertThat(keyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void aDecisionDueAfterItsNotAfterExpiresAndIsHandedBackNeverSentLate() throws Exception {
    harness.processBroadcastElement(
        binding(1, "b-v1", Map.of("max_lateness_seconds", 3_600)), T0.toEpochMilli());
    Instant notAfter = TRIGGER.plusSeconds(30);
    harness.processElement(
        ContractSamples.decision(
            "req-na", 1, DecisionStatus.SCHEDULED, TRIGGER, notAfter, Map.of()),
        T0.toEpochMilli());

    // The job was stalled (an outage, a restore): the timer fires 190 s after the trigger, well
    // within the binding's lateness budget but after the request's window ended.
    advanceTo(TRIGGER.plusSeconds(190));

    assertThat(commands()).isEmpty();
    assertThat(outcomes())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.state()).isEqualTo(OutcomeState.EXPIRED);
              assertThat(o.detail()).contains("not_after");
            });
  }

  @Test
  void eventTimeRunningAheadOfTheWallClockNeverCleansUpAnUndispatchedDecision() throws Exception {
    harness.processBroadcastElement(binding(1, "b-v1"), T0.toEpochMilli());
    harness.processElement(scheduled("req-skew", 1, TRIGGER), T0.toEpochMilli());

    // A producer with a clock a day fast moved event time past the cleanup time; the wall clock
    // is still at T0.
    watermark(CLEANUP.plus(Duration.ofDays(1)));

    assertThat(commands()).isEmpty();
    assertThat(outcomes()).isEmpty();
    assertThat(keyedStateEntries()).as("the decision is still held").isEqualTo(2);

    advanceTo(TRIGGER); // the wall clock reaches the trigger: it fires, on time
    assertThat(commands())
        .singleElement()
        .satisfies(c -> assertThat(c.decision().requestId()).isEqualTo("req-skew"));

    harness.setProcessingTime(CLEANUP.toEpochMilli()); // then it is cleaned up, once due
    assertThat(keyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
    assertThat(outcomes()).isEmpty();
  }

  @Test
  void aLaterWindowMovesTheCleanupWithoutLeavingTheOldTimer() throws Exception {
    harness.processBroadcastElement(binding(1, "b-v1"), T0.toEpochMilli());
    harness.processElement(scheduled("req-1", 1, TRIGGER), T0.toEpochMilli());
    TimingDecision v1 = scheduled("req-1", 1, TRIGGER);
    Instant laterEnd = NOT_AFTER.plus(Duration.ofHours(5));
    TimingDecision v2 =
        ContractSamples.decision(
            "req-1", 2, DecisionStatus.SCHEDULED, TRIGGER.plusSeconds(60), laterEnd, Map.of());
    harness.processElement(v2, T0.toEpochMilli());
    assertThat(harness.numEventTimeTimers()).as("new trigger + moved cleanup").isEqualTo(2);

    advanceTo(v2.triggerTimestampUtc());
    assertThat(commands()).extracting(DispatchCommand::decision).containsExactly(v2);
    advanceTo(CLEANUP);
    assertThat(keyedStateEntries()).as("the old cleanup time no longer clears").isEqualTo(3);

    advanceTo(laterEnd.plus(DispatchScheduler.RETENTION));
    assertThat(keyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  // ---------------------------------------------------------------- state across releases

  /**
   * The scheduler of the release before {@link LatestDecisionCodec}: its decision state in JSON,
   * with the timers it set for it.
   */
  private static final class JsonStateOfTheLastRelease
      extends KeyedBroadcastProcessFunction<String, TimingDecision, ConfigChange, DispatchCommand> {
    @Override
    public void processElement(
        TimingDecision d, ReadOnlyContext ctx, Collector<DispatchCommand> out) throws Exception {
      var rc = getRuntimeContext();
      rc.getState(
              new ValueStateDescriptor<>(
                  "latest-decision", JsonRecordTypeInfo.of(TimingDecision.class)))
          .update(d);
      rc.getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG))
          .update(CLEANUP.toEpochMilli());
      ctx.timerService().registerEventTimeTimer(d.triggerTimestampUtc().toEpochMilli());
      ctx.timerService().registerEventTimeTimer(CLEANUP.toEpochMilli());
    }

    @Override
    public void processBroadcastElement(
        ConfigChange change, Context ctx, Collector<DispatchCommand> out) {}
  }

  private static KeyedBroadcastOperatorTestHarness<
          String, TimingDecision, ConfigChange, DispatchCommand>
      unopenedOnRocksDb(
          KeyedBroadcastProcessFunction<String, TimingDecision, ConfigChange, DispatchCommand> f)
          throws Exception {
    var h =
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(f, List.of(ConnectorConfig.BINDINGS)),
            TimingDecision::requestId,
            Types.STRING,
            1,
            1,
            0);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    return h;
  }

  @Test
  void aDecisionTheJsonStateHeldIsMigratedOnRestoreFromRocksDbAndFires() throws Exception {
    harness.close();
    TimingDecision d = scheduled("req-1", 1, TRIGGER);
    var before = unopenedOnRocksDb(new JsonStateOfTheLastRelease());
    before.open();
    before.setProcessingTime(T0.toEpochMilli());
    before.processElement(d, T0.toEpochMilli());
    OperatorSubtaskState savepoint = before.snapshot(1, T0.toEpochMilli());
    before.close();

    harness = unopenedOnRocksDb(new DispatchScheduler());
    harness.initializeState(savepoint);
    harness.open();
    harness.processBroadcastElement(binding(1, "b-v1"), T0.toEpochMilli());
    advanceTo(TRIGGER);

    assertThat(commands()).extracting(DispatchCommand::decision).containsExactly(d);
    assertThat(outcomes()).isEmpty();
    advanceTo(CLEANUP);
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }
}
