package com.sendflowr.contract;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One valid instance of every contract record — with nested maps, nulls and sub-second time, the
 * cases serialisers get wrong — shared by every module's tests through this module's test-jar.
 */
public final class ContractSamples {
  public static final Instant T = Instant.parse("2026-01-05T09:30:00.123456789Z");
  public static final String INTENT = "promo_jan";
  public static final String RECIPIENT = "u-42";

  private ContractSamples() {}

  public static Signal signal(String eventId, String universalId) {
    return new Signal(
        eventId,
        "click",
        T,
        universalId,
        Map.of("phone_e164", "+14155550100"),
        "shopify",
        Map.of("url", "https://shop.example/p/1", "count", 3, "nested", Map.of("a", List.of(1))));
  }

  public static Signal signal() {
    return signal("evt-1", RECIPIENT);
  }

  /** Named by identity keys only, without a universal id. */
  public static SendRequest sendRequest() {
    return new SendRequest(
        "req-1",
        null,
        Map.of("email_sha256", "ab".repeat(32)),
        INTENT,
        T,
        T.plusSeconds(86_400),
        null,
        Map.of("campaign_hint", "jan"));
  }

  /** A superseding version with debug internals. */
  public static TimingDecision decision() {
    return new TimingDecision(
        "dec-1",
        "req-1",
        INTENT,
        RECIPIENT,
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

  /**
   * A decision for {@link #INTENT} and {@link #RECIPIENT} with ids derived from request and version
   * ({@code dec-<request>-v<version>}, superseding the previous version), landing 2 s (the latency
   * estimate) after {@code trigger}, decided 10 minutes before it.
   */
  public static TimingDecision decision(
      String requestId,
      int version,
      DecisionStatus status,
      Instant trigger,
      Instant notAfter,
      Map<String, String> metadata) {
    Instant target = trigger.plusSeconds(2);
    String decisionId = "dec-" + requestId + "-v" + version;
    return new TimingDecision(
        decisionId,
        requestId,
        INTENT,
        RECIPIENT,
        version,
        status,
        version > 1 ? "dec-" + requestId + "-v" + (version - 1) : null,
        MinuteOfWeek.of(target),
        target,
        trigger,
        2.0,
        "configured_default",
        0.5,
        "test",
        "expl-" + decisionId,
        trigger.minus(Duration.ofMinutes(10)),
        notAfter,
        metadata,
        null);
  }

  public static DispatchOutcome outcome() {
    return new DispatchOutcome(
        "out-1",
        "dec-1",
        2,
        "req-1",
        INTENT,
        RECIPIENT,
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

  public static ConfigChange configChange() {
    return new ConfigChange(
        "intent_binding",
        INTENT,
        3,
        T,
        false,
        Map.of("esp", "klaviyo", "max_lateness_seconds", 60, "dry_run", true));
  }

  public static ConfigChange tombstone() {
    return new ConfigChange("intent_binding", INTENT, 4, T, true, Map.of());
  }

  public static DeadLetter deadLetter() {
    return Contracts.deadLetter(
        "timing-job/signals",
        "sendflowr.signals",
        RECIPIENT,
        "{not json",
        RejectReason.MALFORMED_JSON,
        "not valid JSON",
        T);
  }

  /** The explanation row of {@link #decision()}. */
  public static ExplanationRow explanationRow() {
    return explanationRow(decision());
  }

  /** The explanation row a timing job writes beside {@code d}. */
  public static ExplanationRow explanationRow(TimingDecision d) {
    return ExplanationRow.of(
        d,
        "[{\"signal\":\"site_visit\",\"weight\":0.8}]",
        d.debug() != null && d.debug().suppressed(),
        "{\"policy\":\"test\",\"runners_up\":[]}");
  }

  /** Every contract record, in a stable order. */
  public static List<Object> everyRecord() {
    return List.of(
        signal(),
        sendRequest(),
        decision(),
        outcome(),
        configChange(),
        tombstone(),
        deadLetter(),
        explanationRow());
  }
}
