package com.sendflowr.flink;

import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.TimingDecision;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One instance of every contract record, with nested records, maps, nulls and sub-second time. */
final class Samples {
  static final Instant T = Instant.parse("2026-01-05T09:30:00.123456789Z");

  private Samples() {}

  static Signal signal(String eventId, String universalId) {
    return new Signal(
        eventId,
        "click",
        T,
        universalId,
        Map.of("phone_e164", "+14155550100"),
        "shopify",
        Map.of("url", "https://shop.example/p/1", "count", 3, "nested", Map.of("a", List.of(1))));
  }

  static Signal signal() {
    return signal("evt-1", "u-42");
  }

  static SendRequest sendRequest() {
    return new SendRequest(
        "req-1",
        null,
        Map.of("email_sha256", "ab".repeat(32)),
        "promo_jan",
        T,
        T.plusSeconds(86_400),
        null,
        Map.of("campaign_hint", "jan"));
  }

  static TimingDecision decision() {
    return new TimingDecision(
        "dec-1",
        "req-1",
        "promo_jan",
        "u-42",
        2,
        DecisionStatus.SUPERSEDED,
        "dec-0",
        MinuteOfWeek.of(T.plusSeconds(600)),
        T.plusSeconds(600),
        T.plusSeconds(595),
        5.25,
        "learned",
        0.73,
        "rule-v1",
        "expl-dec-1",
        T,
        null,
        Map.of("campaign_hint", "jan"),
        new TimingDecision.Debug(
            555, List.of(new TimingDecision.AppliedWeight("site_visit", 0.8)), true));
  }

  static DispatchOutcome outcome() {
    return new DispatchOutcome(
        "out-1",
        "dec-1",
        2,
        "req-1",
        "promo_jan",
        "u-42",
        "bind-1",
        "idem-abc",
        "klaviyo",
        "abc123",
        null,
        null,
        3,
        202,
        "resp-9",
        T.plusSeconds(595),
        T.plusSeconds(595).plusMillis(120),
        120,
        OutcomeState.ACCEPTED,
        "accepted after 2 retries");
  }

  static ConfigChange configChange() {
    return new ConfigChange(
        "intent_binding",
        "promo_jan",
        3,
        T,
        false,
        Map.of("esp", "klaviyo", "max_lateness_seconds", 60, "dry_run", true));
  }

  static ConfigChange tombstone() {
    return new ConfigChange("intent_binding", "promo_jan", 4, T, true, Map.of());
  }

  static DeadLetter deadLetter() {
    return Contracts.deadLetter(
        "timing-job/signals",
        "sendflowr.signals",
        "u-42",
        "{not json",
        RejectReason.MALFORMED_JSON,
        "not valid JSON",
        T);
  }

  /** Every contract record, in a stable order. */
  static List<Object> everyRecord() {
    return List.of(
        signal(), sendRequest(), decision(), outcome(), configChange(), tombstone(), deadLetter());
  }
}
