package com.sendflowr.timing.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.flink.DeadLetters;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestIdGuardTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  private KeyedOneInputStreamOperatorTestHarness<String, SendRequest, SendRequest> harness;

  private static KeyedOneInputStreamOperatorTestHarness<String, SendRequest, SendRequest>
      newHarness() throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new RequestIdGuard()), SendRequest::requestId, Types.STRING);
  }

  @BeforeEach
  void open() throws Exception {
    harness = newHarness();
    harness.setProcessingTime(NOW.toEpochMilli());
    harness.open();
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
        NOW.plusSeconds(60),
        notAfter,
        NOW,
        Map.of("campaign_hint", "jan"));
  }

  private List<DeadLetter> deadLetters() {
    var side = harness.getSideOutput(DeadLetters.TAG);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void aReusedRequestIdIsDeadLetteredAndTheFirstRecipientsRequestsPass() throws Exception {
    SendRequest first = request("req-1", "u-1", NOW.plus(Duration.ofHours(2)));
    SendRequest reused = request("req-1", "u-2", NOW.plus(Duration.ofHours(2)));
    SendRequest other = request("req-2", "u-2", NOW.plus(Duration.ofHours(2)));

    harness.processElement(first, 1L);
    harness.processElement(first, 2L); // a redelivery: downstream deduplicates it
    harness.processElement(reused, 3L);
    harness.processElement(other, 4L);

    assertThat(harness.extractOutputValues()).containsExactly(first, first, other);
    List<DeadLetter> dead = deadLetters();
    assertThat(dead).hasSize(1);
    DeadLetter d = dead.get(0);
    assertThat(d.reason()).isEqualTo(RejectReason.REQUEST_ID_REUSED);
    assertThat(d.stage()).isEqualTo(RequestIdGuard.STAGE);
    assertThat(d.key()).isEqualTo("u-2");
    assertThat(Contracts.parseSendRequest(d.payload(), NOW).value()).isEqualTo(reused);
    assertThat(d.detail()).contains("req-1").contains("another recipient").doesNotContain("u-1");
    assertThat(Contracts.parseDeadLetter(Contracts.toJson(d), NOW).value()).isEqualTo(d);
  }

  @Test
  void stateAndTimersDropToZeroAfterTheClaimsLapse() throws Exception {
    Instant end = NOW.plus(Duration.ofHours(2));
    harness.processElement(request("req-1", "u-1", end), 1L);
    harness.processElement(request("req-2", "u-2", end), 2L);
    // a later window for the same recipient extends the claim, still with one timer
    harness.processElement(request("req-2", "u-2", end.plus(Duration.ofHours(5))), 3L);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(2);

    harness.setProcessingTime(end.plus(RequestIdClaim.RETENTION).toEpochMilli());
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);

    harness.setProcessingTime(
        end.plus(Duration.ofHours(5)).plus(RequestIdClaim.RETENTION).toEpochMilli());
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();

    // once forgotten, the id is free again
    harness.processElement(request("req-1", "u-3", NOW.plus(Duration.ofDays(2))), 5L);
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void aRequestWithoutNotAfterIsRememberedForTheLongestWindow() throws Exception {
    harness.processElement(request("req-1", "u-1", null), 1L);
    harness.setProcessingTime(
        NOW.plus(Contracts.MAX_SEND_WINDOW).plus(RequestIdClaim.RETENTION).toEpochMilli() - 1);
    harness.processElement(request("req-1", "u-2", null), 2L);
    assertThat(deadLetters())
        .extracting(DeadLetter::reason)
        .containsExactly(RejectReason.REQUEST_ID_REUSED);

    harness.setProcessingTime(
        NOW.plus(Contracts.MAX_SEND_WINDOW).plus(RequestIdClaim.RETENTION).toEpochMilli());
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void claimsSurviveARestoreAndStillLapse() throws Exception {
    Instant end = NOW.plus(Duration.ofHours(2));
    harness.processElement(request("req-1", "u-1", end), 1L);
    OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
    harness.close();

    harness = newHarness();
    harness.setProcessingTime(NOW.toEpochMilli());
    harness.initializeState(snapshot);
    harness.open();
    harness.processElement(request("req-1", "u-2", end), 2L);
    assertThat(deadLetters())
        .extracting(DeadLetter::reason)
        .containsExactly(RejectReason.REQUEST_ID_REUSED);

    harness.setProcessingTime(end.plus(RequestIdClaim.RETENTION).toEpochMilli());
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void theClaimIsAPojoNotAKryoFallback() {
    assertThat(TypeInformation.of(RequestIdClaim.class)).isInstanceOf(PojoTypeInfo.class);
  }

  @Test
  void theRuleOnItsOwn() {
    SendRequest a = request("req-1", "u-1", NOW.plus(Duration.ofHours(2)));
    RequestIdClaim claim = RequestIdClaim.of(a, NOW);
    assertThat(claim.recipientKey()).isEqualTo("u-1");
    assertThat(claim.forgetAtMillis())
        .isEqualTo(NOW.plus(Duration.ofHours(2)).plus(RequestIdClaim.RETENTION).toEpochMilli());

    assertThat(RequestIdClaim.judge(null, a, NOW).pass()).isTrue();
    assertThat(RequestIdClaim.judge(claim, a, NOW).claim()).isEqualTo(claim);
    RequestIdClaim.Verdict reused = RequestIdClaim.judge(claim, request("req-1", "u-2", null), NOW);
    assertThat(reused.pass()).isFalse();
    assertThat(reused.claim()).isEqualTo(claim);
    // a lapsed claim whose timer has not fired yet no longer binds the id
    Instant later = Instant.ofEpochMilli(claim.forgetAtMillis());
    assertThat(RequestIdClaim.judge(claim, request("req-1", "u-2", null), later).pass()).isTrue();
    // a window that already closed is remembered from now, not from its end
    SendRequest closed = request("req-3", "u-1", NOW.minus(Duration.ofHours(1)));
    assertThat(RequestIdClaim.of(closed, NOW).forgetAtMillis())
        .isEqualTo(NOW.plus(RequestIdClaim.RETENTION).toEpochMilli());
  }
}
