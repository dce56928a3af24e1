package com.sendflowr.timing.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.DeadLetters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestDeciderTest {
  private static final Instant NOW = Instant.parse("2026-01-05T09:30:00Z");
  private static final Duration WINDOW = Duration.ofHours(24);
  private static final Duration LATENCY = Duration.ofSeconds(2);

  private KeyedTwoInputStreamOperatorTestHarness<String, Signal, SendRequest, TimingDecision>
      harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new RequestDecider(WINDOW, LATENCY),
            Signal::recipientKey,
            SendRequest::recipientKey,
            Types.STRING);
    harness.setProcessingTime(NOW.toEpochMilli());
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  static SendRequest request(String requestId, String recipient, Instant notAfter) {
    return new SendRequest(
        requestId,
        recipient,
        Map.of(),
        "promo_jan",
        NOW.plusSeconds(600),
        notAfter,
        NOW,
        Map.of("email", "a@b.co"));
  }

  static Signal signal(String eventId, String recipient, String type) {
    return new Signal(eventId, type, NOW.minusSeconds(60), recipient, Map.of(), "shop", Map.of());
  }

  private List<ExplanationRow> explanations() {
    var side = harness.getSideOutput(RequestDecider.EXPLANATIONS);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  private List<DeadLetter> deadLetters() {
    var side = harness.getSideOutput(DeadLetters.TAG);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void aSendRequestYieldsOneDecisionAndOneExplanation() throws Exception {
    SendRequest r = request("req-1", "u-1", NOW.plus(Duration.ofHours(2)));
    harness.processElement2(r, NOW.toEpochMilli());

    List<TimingDecision> decisions = harness.extractOutputValues();
    assertThat(decisions).hasSize(1);
    TimingDecision d = decisions.get(0);
    assertThat(d.requestId()).isEqualTo("req-1");
    assertThat(d.universalId()).isEqualTo("u-1");
    assertThat(d.version()).isEqualTo(1);
    assertThat(d.targetTimestampUtc()).isEqualTo(NOW.plusSeconds(600));
    assertThat(d.triggerTimestampUtc()).isEqualTo(NOW.plusSeconds(598));
    assertThat(d.createdAtUtc()).as("now is the operator's processing time").isEqualTo(NOW);

    assertThat(explanations()).hasSize(1);
    assertThat(explanations().get(0).decisionId()).isEqualTo(d.decisionId());
    assertThat(explanations().get(0).explanationRef()).isEqualTo(d.explanationRef());
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void aRedeliveredRequestIsNotDecidedAgain() throws Exception {
    SendRequest r = request("req-1", "u-1", NOW.plus(Duration.ofHours(2)));
    harness.processElement2(r, NOW.toEpochMilli());
    harness.setProcessingTime(NOW.plusSeconds(30).toEpochMilli());
    harness.processElement2(r, NOW.plusSeconds(30).toEpochMilli());
    // a redelivery with a changed body is still the same request
    harness.processElement2(
        request("req-1", "u-1", NOW.plus(Duration.ofHours(5))), NOW.plusSeconds(31).toEpochMilli());

    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(explanations()).hasSize(1);
    assertThat(deadLetters()).isEmpty();

    // another request of the same recipient is decided
    harness.processElement2(request("req-2", "u-1", null), NOW.plusSeconds(32).toEpochMilli());
    assertThat(harness.extractOutputValues())
        .extracting(TimingDecision::requestId)
        .containsExactly("req-1", "req-2");
  }

  @Test
  void aClosedWindowIsDeadLetteredAndNotDecided() throws Exception {
    SendRequest late =
        new SendRequest(
            "req-late",
            "u-1",
            Map.of(),
            "promo_jan",
            NOW.minus(Duration.ofHours(3)),
            NOW.minus(Duration.ofHours(1)),
            null,
            Map.of());
    harness.processElement2(late, NOW.toEpochMilli());

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(explanations()).isEmpty();
    assertThat(deadLetters()).hasSize(1);
    DeadLetter dl = deadLetters().get(0);
    assertThat(dl.reason()).isEqualTo(RejectReason.TIMESTAMP_OUT_OF_RANGE);
    assertThat(dl.stage()).isEqualTo("timing-job/send-requests");
    assertThat(dl.key()).isEqualTo("u-1");
    assertThat(dl.detail()).contains("window closed");
    assertThat(Contracts.parseSendRequest(dl.payload()).value()).isEqualTo(late);
    assertThat(dl.rejectedAt()).isEqualTo(NOW);
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void theDecidedRequestIsForgottenWhenTheWatermarkPassesTheWindowPlusRetention() throws Exception {
    Instant notAfter = NOW.plus(Duration.ofHours(2));
    long forgetAt = notAfter.plus(RequestDecider.REQUEST_RETENTION).toEpochMilli();
    harness.processElement2(request("req-1", "u-1", notAfter), NOW.toEpochMilli());

    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

    harness.processBothWatermarks(new Watermark(forgetAt - 1));
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

    harness.processBothWatermarks(new Watermark(forgetAt));
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.extractOutputValues()).hasSize(1); // the timer emits nothing
  }

  @Test
  void theCleanupTimerForgetsOnlyTheRequestsThatAreDue() throws Exception {
    Instant early = NOW.plus(Duration.ofHours(2));
    Instant late = NOW.plus(Duration.ofHours(10));
    harness.processElement2(request("req-early", "u-1", early), NOW.toEpochMilli());
    harness.processElement2(request("req-late", "u-1", late), NOW.toEpochMilli());
    assertThat(harness.numEventTimeTimers()).isEqualTo(2);

    harness.processBothWatermarks(
        new Watermark(early.plus(RequestDecider.REQUEST_RETENTION).toEpochMilli()));
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    // the late one is still remembered, so its redelivery is still dropped
    harness.setProcessingTime(NOW.plus(Duration.ofHours(3)).toEpochMilli());
    harness.processElement2(request("req-late", "u-1", late), NOW.toEpochMilli());
    assertThat(harness.extractOutputValues()).hasSize(2);

    harness.processBothWatermarks(
        new Watermark(late.plus(RequestDecider.REQUEST_RETENTION).toEpochMilli()));
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void engagementSignalsOfTheRecipientAreCountedIntoTheExplanation() throws Exception {
    harness.processElement1(signal("e1", "u-1", "click"), NOW.toEpochMilli());
    harness.processElement1(signal("e2", "u-1", "open"), NOW.toEpochMilli());
    harness.processElement1(signal("e3", "u-1", "conversion"), NOW.toEpochMilli());
    harness.processElement1(signal("e4", "u-1", "ticket_opened"), NOW.toEpochMilli()); // context
    harness.processElement1(signal("e5", "u-1", "delivered"), NOW.toEpochMilli()); // delivery
    harness.processElement1(signal("e6", "u-1", "loyalty_tier"), NOW.toEpochMilli()); // custom
    harness.processElement1(signal("e7", "u-2", "click"), NOW.toEpochMilli()); // someone else
    assertThat(harness.extractOutputValues()).as("signals alone decide nothing").isEmpty();

    harness.processElement2(request("req-1", "u-1", null), NOW.toEpochMilli());
    harness.processElement2(request("req-2", "u-3", null), NOW.toEpochMilli());

    assertThat(explanations()).hasSize(2);
    assertThat(engagementSeen(explanations().get(0))).isEqualTo(3);
    assertThat(engagementSeen(explanations().get(1))).isZero();
  }

  private static long engagementSeen(ExplanationRow row) throws Exception {
    return Contracts.mapper()
        .readTree(row.explanationJson())
        .get("inputs")
        .get("engagement_signals_seen")
        .asLong();
  }
}
