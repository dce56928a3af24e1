package com.sendflowr.timing.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.SignalType;
import com.sendflowr.timing.job.identity.IdentityKeys;
import com.sendflowr.timing.model.ModelConfig;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryLineTest {
  private static final ModelConfig CONFIG = ModelConfig.defaults();
  private static final Instant UNTIL = Instant.parse("2026-06-01T00:00:00Z");
  private static final Instant MAY = Instant.parse("2026-05-01T18:00:00.123456789Z");

  private static HistoryLine.Meaning classify(String line) {
    return HistoryLine.classify(line, UNTIL, CONFIG);
  }

  private static String signal(String type, Instant at, String uid, Map<String, String> keys) {
    return Contracts.toJson(new Signal("e-1", type, at, uid, keys, "test", Map.of()));
  }

  @Test
  void aClickBeforeTheCutOffIsLearnedUnderItsUniversalIdAtItsExactInstant() {
    assertThat(classify(signal("click", MAY, "u-anna", Map.of())))
        .isEqualTo(new HistoryLine.Learn("u-anna", SignalType.CLICK, MAY));
  }

  @Test
  void signalsAtOrAfterTheCutOffBelongToTheLiveStream() {
    assertThat(classify(signal("click", UNTIL, "u-anna", Map.of())))
        .isEqualTo(new HistoryLine.Skip(HistoryLine.SKIP_AT_OR_AFTER_UNTIL));
    assertThat(classify(signal("click", UNTIL.minusNanos(1), "u-anna", Map.of())))
        .isInstanceOf(HistoryLine.Learn.class);
  }

  @Test
  void badLinesAreSkippedUnderTheParsersReason() {
    assertThat(classify("{not json")).isEqualTo(new HistoryLine.Skip("malformed_json"));
    assertThat(classify("{\"event_id\":\"x\"}")).isEqualTo(new HistoryLine.Skip("missing_field"));
    assertThat(
            classify(
                "{\"event_id\":\"x\",\"event_type\":\"teleport\","
                    + "\"occurred_at\":\"2026-05-01T00:00:00Z\",\"universal_id\":\"u\"}"))
        .isEqualTo(new HistoryLine.Skip("unknown_type"));
    assertThat(classify("  ")).isNull();
  }

  @Test
  void typesTheCurveDoesNotLearnFromAreSkipped() {
    assertThat(classify(signal("delivered", MAY, "u-anna", Map.of())))
        .isEqualTo(new HistoryLine.Skip(HistoryLine.SKIP_NOT_LEARNED));
    assertThat(classify(signal("ticket_opened", MAY, "u-anna", Map.of())))
        .isEqualTo(new HistoryLine.Skip(HistoryLine.SKIP_NOT_LEARNED));
  }

  @Test
  void recipientsAreKeyedByTheIdTheRunningJobResolves() {
    String hash = "c".repeat(64);
    assertThat(
            classify(
                signal("click", MAY, null, Map.of(IdentityKeys.EMAIL, hash, "shop_id", "s-1"))))
        .isEqualTo(new HistoryLine.Learn("email:" + hash, SignalType.CLICK, MAY));
    assertThat(classify(signal("click", MAY, null, Map.of("shop_id", "s-1"))))
        .isEqualTo(new HistoryLine.Learn("alias:shop_id:s-1", SignalType.CLICK, MAY));
    HistoryLine.Learn phone =
        (HistoryLine.Learn)
            classify(signal("click", MAY, null, Map.of(IdentityKeys.PHONE, "+4915112345678")));
    assertThat(phone.recipient())
        .isEqualTo(IdentityKeys.plan(null, Map.of(IdentityKeys.PHONE, "+4915112345678")).id())
        .startsWith("phone:");
  }
}
