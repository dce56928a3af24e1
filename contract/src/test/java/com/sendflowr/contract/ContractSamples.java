package com.sendflowr.contract;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One valid instance of every record, shared by the contract tests. */
final class ContractSamples {
  static final Instant T = Instant.parse("2026-01-05T09:30:00Z");

  private ContractSamples() {}

  static Signal signal() {
    return new Signal(
        "evt-1",
        "click",
        T,
        "u-42",
        Map.of("phone_e164", "+14155550100"),
        "shopify",
        Map.of("url", "https://shop.example/p/1", "count", 3));
  }

  static SendRequest sendRequest() {
    return new SendRequest(
        "req-1",
        "u-42",
        Map.of(),
        "promo_jan",
        T,
        T.plusSeconds(86_400),
        T.minusSeconds(5),
        Map.of("campaign_hint", "jan"));
  }

  static TimingDecision decision() {
    return new TimingDecision(
        "dec-1",
        "req-1",
        "promo_jan",
        "u-42",
        2,
        DecisionStatus.SCHEDULED,
        "dec-0",
        MinuteOfWeek.of(T.plusSeconds(600)),
        T.plusSeconds(600),
        T.plusSeconds(595),
        5.0,
        "learned",
        0.73,
        "rule-v1",
        "expl-dec-1",
        T,
        T.plusSeconds(86_400),
        Map.of("campaign_hint", "jan"),
        new TimingDecision.Debug(
            555, List.of(new TimingDecision.AppliedWeight("site_visit", 0.8)), false));
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
        "promo-drip",
        null,
        1,
        202,
        null,
        T.plusSeconds(595),
        T.plusSeconds(595).plusMillis(120),
        120,
        OutcomeState.ACCEPTED,
        null);
  }

  static ConfigChange configChange() {
    return new ConfigChange(
        "intent_binding",
        "promo_jan",
        3,
        T,
        false,
        Map.of("esp", "klaviyo", "metric_name", "SendFlowr promo_jan"));
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
}
