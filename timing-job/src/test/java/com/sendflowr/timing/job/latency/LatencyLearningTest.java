package com.sendflowr.timing.job.latency;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.Signal;
import com.sendflowr.timing.job.ControlInput;
import com.sendflowr.timing.model.LatencyEstimate;
import com.sendflowr.timing.model.LatencyTracker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** Latency learned from dispatch outcomes and delivery webhooks, per channel and hour of week. */
class LatencyLearningTest {
  private static final Instant MONDAY_NINE = Instant.parse("2026-03-02T09:00:00Z");
  private static final String CHANNEL = "promo_jan@klaviyo";

  static DispatchOutcome accepted(String decisionId, Instant trigger, Duration toEsp) {
    return new DispatchOutcome(
        "out-" + decisionId,
        decisionId,
        1,
        "req-" + decisionId,
        "promo_jan",
        "u-1",
        CHANNEL,
        "idem-" + decisionId,
        "klaviyo",
        null,
        null,
        null,
        1,
        202,
        null,
        trigger,
        trigger.plus(toEsp),
        toEsp.toMillis(),
        OutcomeState.ACCEPTED,
        "accepted");
  }

  static Signal delivered(String decisionId, Instant at) {
    return new Signal(
        "dlv-" + decisionId,
        "delivered",
        at,
        "u-1",
        Map.of(),
        "klaviyo",
        Map.of(LatencyEvidence.DECISION_ID_PROPERTY, decisionId));
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, LatencyEvidence, LatencySample>
      join() throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new LatencyJoin(), LatencyEvidence::decisionId, Types.STRING);
  }

  @Test
  void anOutcomeAndItsDeliveryMakeOneSampleWhicheverComesFirst() throws Exception {
    try (var h = join()) {
      Instant trigger = MONDAY_NINE;
      h.processElement(
          LatencyEvidence.of(delivered("d-1", trigger.plusSeconds(95))).orElseThrow(), 0);
      h.processElement(
          LatencyEvidence.of(accepted("d-1", trigger, Duration.ofSeconds(2))).orElseThrow(), 0);
      h.processElement(
          LatencyEvidence.of(accepted("d-2", trigger, Duration.ofSeconds(2))).orElseThrow(), 0);
      h.processElement(
          LatencyEvidence.of(delivered("d-2", trigger.plusSeconds(80))).orElseThrow(), 0);
      assertThat(h.extractOutputValues())
          .containsExactly(
              new LatencySample(CHANNEL, trigger, trigger.plusSeconds(95), LatencySample.DELIVERED),
              new LatencySample(
                  CHANNEL, trigger, trigger.plusSeconds(80), LatencySample.DELIVERED));
      h.processWatermark(Long.MAX_VALUE - 1);
      assertThat(h.extractOutputValues()).hasSize(2);
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void aDispatchWithoutDeliveryFeedbackTeachesTheDispatcherSideLatencyAfterAWait()
      throws Exception {
    try (var h = join()) {
      h.processWatermark(MONDAY_NINE.toEpochMilli());
      h.processElement(
          LatencyEvidence.of(accepted("d-1", MONDAY_NINE, Duration.ofSeconds(3))).orElseThrow(), 0);
      h.processElement(LatencyEvidence.of(delivered("d-orphan", MONDAY_NINE)).orElseThrow(), 0);
      assertThat(h.extractOutputValues()).isEmpty();
      h.processWatermark(MONDAY_NINE.plus(LatencyJoin.WAIT).toEpochMilli());
      assertThat(h.extractOutputValues())
          .containsExactly(
              new LatencySample(
                  CHANNEL, MONDAY_NINE, MONDAY_NINE.plusSeconds(3), LatencySample.DISPATCHED));
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
  }

  @Test
  void onlyAcceptedOutcomesAndDeliveriesNamingADecisionAreEvidence() {
    assertThat(LatencyEvidence.of(accepted("d-1", MONDAY_NINE, Duration.ZERO))).isPresent();
    DispatchOutcome failed = accepted("d-1", MONDAY_NINE, Duration.ZERO);
    failed =
        new DispatchOutcome(
            failed.outcomeId(),
            failed.decisionId(),
            1,
            failed.requestId(),
            failed.intentId(),
            failed.universalId(),
            failed.bindingId(),
            failed.idempotencyKey(),
            failed.esp(),
            null,
            null,
            null,
            5,
            503,
            null,
            failed.triggerTimestampUtc(),
            failed.firedAt(),
            0,
            OutcomeState.FAILED,
            "503");
    assertThat(LatencyEvidence.of(failed)).isEmpty();
    assertThat(
            LatencyEvidence.of(
                new Signal("s", "click", MONDAY_NINE, "u-1", Map.of(), "x", Map.of())))
        .isEmpty();
    assertThat(
            LatencyEvidence.of(
                new Signal("s", "delivered", MONDAY_NINE, "u-1", Map.of(), "x", Map.of())))
        .isEmpty();
  }

  @Test
  void theLearnerPublishesDeliveryLatencyOnceItHasEnoughSamplesElseTheDispatcherSide()
      throws Exception {
    try (var h =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new LatencyLearner(Duration.ofSeconds(60)), LatencySample::channel, Types.STRING)) {
      for (int i = 0; i < LatencyTracker.MIN_SAMPLES; i++) {
        Instant t = MONDAY_NINE.plusSeconds(i);
        h.processElement(
            new LatencySample(CHANNEL, t, t.plusSeconds(4), LatencySample.DISPATCHED), 0);
      }
      List<ControlInput.LatencyUpdate> updates = h.extractOutputValues();
      LatencyEstimate fromDispatch =
          LatencyTracker.fromBytes(updates.get(updates.size() - 1).tracker())
              .estimateAt(MONDAY_NINE.plus(Duration.ofDays(7)));
      assertThat(fromDispatch.value()).isEqualTo(Duration.ofSeconds(4));
      assertThat(fromDispatch.source()).isEqualTo(LatencyEstimate.Source.LEARNED_HOURLY);

      for (int i = 0; i < LatencyTracker.MIN_SAMPLES; i++) {
        Instant t = MONDAY_NINE.plusSeconds(100 + i);
        h.processElement(
            new LatencySample(CHANNEL, t, t.plusSeconds(90), LatencySample.DELIVERED), 0);
      }
      updates = h.extractOutputValues();
      ControlInput.LatencyUpdate last = updates.get(updates.size() - 1);
      assertThat(last.channel()).isEqualTo(CHANNEL);
      assertThat(LatencyTracker.fromBytes(last.tracker()).estimateAt(MONDAY_NINE).value())
          .isEqualTo(Duration.ofSeconds(90));
    }
  }
}
