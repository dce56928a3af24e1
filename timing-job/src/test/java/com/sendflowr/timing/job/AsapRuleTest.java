package com.sendflowr.timing.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.TimingDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AsapRuleTest {
  /** A Wednesday afternoon: 2026-01-05 is a Monday. */
  private static final Instant NOW = Instant.parse("2026-01-07T13:45:30Z");

  private static final Duration WINDOW = Duration.ofHours(24);
  private static final Duration LATENCY = Duration.ofSeconds(2);
  private final AsapRule rule = new AsapRule(WINDOW, LATENCY);

  static SendRequest request(String id, Instant notBefore, Instant notAfter) {
    return new SendRequest(
        id, "u-42", Map.of(), "promo_jan", notBefore, notAfter, null, Map.of("email", "a@b.co"));
  }

  @Test
  void aFutureWindowTargetsItsStartAndTriggersEarlierByTheLatency() {
    Instant notBefore = NOW.plus(Duration.ofHours(3));
    Instant notAfter = NOW.plus(Duration.ofHours(5));
    TimingDecision d = rule.decide(request("r1", notBefore, notAfter), 1, 0, NOW).decision();

    assertThat(d.targetTimestampUtc()).isEqualTo(notBefore);
    assertThat(d.triggerTimestampUtc()).isEqualTo(notBefore.minusSeconds(2));
    assertThat(d.latencyEstimateSeconds()).isEqualTo(2.0);
    assertThat(d.latencySource()).isEqualTo("configured_default");
    assertThat(d.notAfter()).isEqualTo(notAfter);
  }

  @Test
  void aWindowAlreadyOpenTargetsNowAndClampsTheTriggerToNowSayingSo() throws Exception {
    AsapRule.Decided decided =
        rule.decide(request("r1", NOW.minus(Duration.ofHours(1)), NOW.plusSeconds(600)), 1, 0, NOW);
    TimingDecision d = decided.decision();

    assertThat(d.targetTimestampUtc()).isEqualTo(NOW);
    // now - 2 s would be in the past: the trigger is now, and the explanation says it was clamped
    assertThat(d.triggerTimestampUtc()).isEqualTo(NOW);
    JsonNode latency = explanation(decided).get("latency");
    assertThat(latency.get("trigger_clamped_to_now").asBoolean()).isTrue();
    assertThat(latency.get("seconds").asDouble()).isEqualTo(2.0);
    assertThat(latency.get("source").asText()).isEqualTo("configured_default");

    AsapRule.Decided notClamped = rule.decide(request("r2", NOW.plusSeconds(60), null), 1, 0, NOW);
    assertThat(explanation(notClamped).get("latency").get("trigger_clamped_to_now").asBoolean())
        .isFalse();
  }

  @Test
  void aTargetCloserThanTheLatencyStillNeverTriggersInThePast() {
    TimingDecision d = rule.decide(request("r1", NOW.plusSeconds(1), null), 1, 0, NOW).decision();
    assertThat(d.targetTimestampUtc()).isEqualTo(NOW.plusSeconds(1));
    assertThat(d.triggerTimestampUtc()).isEqualTo(NOW);
  }

  @Test
  void withoutNotAfterTheDefaultWindowFollowsTheWindowStart() throws Exception {
    AsapRule.Decided open = rule.decide(request("r1", null, null), 1, 0, NOW);
    assertThat(open.decision().notAfter()).isEqualTo(NOW.plus(WINDOW));
    assertThat(explanation(open).get("window").get("start").asText()).isEqualTo(NOW.toString());
    assertThat(explanation(open).get("window").get("end").asText())
        .isEqualTo(NOW.plus(WINDOW).toString());

    Instant later = NOW.plus(Duration.ofDays(2));
    AsapRule.Decided deferred = rule.decide(request("r2", later, null), 1, 0, NOW);
    assertThat(deferred.decision().notAfter()).isEqualTo(later.plus(WINDOW));
  }

  @Test
  void aClosedWindowIsNotDecided() {
    assertThat(rule.decide(request("r1", null, NOW.minusSeconds(1)), 1, 0, NOW)).isNull();
    assertThat(rule.decide(request("r2", NOW.minusSeconds(60), NOW), 1, 0, NOW))
        .as("a window ending exactly now is closed")
        .isNull();
  }

  @Test
  void theTargetMinuteIsTheCanonicalMinuteOfWeekOfTheTarget() {
    Instant target = Instant.parse("2026-01-07T13:45:30Z"); // Wednesday 13:45
    TimingDecision d = rule.decide(request("r1", target, null), 1, 0, NOW).decision();
    assertThat(d.targetMinuteUtc()).isEqualTo(2 * 1440 + 13 * 60 + 45);
    assertThat(d.targetMinuteUtc()).isEqualTo(MinuteOfWeek.of(d.targetTimestampUtc()));

    Instant sunday = Instant.parse("2026-01-11T23:59:59Z");
    assertThat(rule.decide(request("r2", sunday, null), 1, 0, NOW).decision().targetMinuteUtc())
        .isEqualTo(MinuteOfWeek.MINUTES_PER_WEEK - 1);
  }

  @Test
  void decisionIdsAreDeterministicPerRequestAndVersion() {
    SendRequest r = request("r1", null, null);
    TimingDecision first = rule.decide(r, 1, 0, NOW).decision();
    TimingDecision replay = rule.decide(r, 1, 5, NOW.plusSeconds(30)).decision();
    TimingDecision v2 = rule.decide(r, 2, 0, NOW).decision();
    TimingDecision other = rule.decide(request("r2", null, null), 1, 0, NOW).decision();

    assertThat(replay.decisionId()).isEqualTo(first.decisionId());
    assertThat(v2.decisionId()).isNotEqualTo(first.decisionId());
    assertThat(other.decisionId()).isNotEqualTo(first.decisionId());
    assertThat(first.decisionId()).isEqualTo(AsapRule.decisionId("r1", 1));
    assertThat(first.explanationRef()).isEqualTo("expl-" + first.decisionId());
  }

  @Test
  void theDecisionCarriesTheRequestThroughAndIsAValidContractRecord() {
    SendRequest r =
        new SendRequest(
            "r1",
            null,
            Map.of("email_sha256", "ab".repeat(32)),
            "promo_jan",
            null,
            null,
            null,
            Map.of("campaign_hint", "jan"));
    TimingDecision d = rule.decide(r, 3, 0, NOW).decision();

    assertThat(d.requestId()).isEqualTo("r1");
    assertThat(d.intentId()).isEqualTo("promo_jan");
    assertThat(d.universalId())
        .isEqualTo(r.recipientKey())
        .isEqualTo("email_sha256:" + "ab".repeat(32));
    assertThat(d.version()).isEqualTo(3);
    assertThat(d.status()).isEqualTo(DecisionStatus.SCHEDULED);
    assertThat(d.supersedes()).isNull();
    assertThat(d.modelVersion()).isEqualTo(AsapRule.MODEL_VERSION);
    assertThat(d.createdAtUtc()).isEqualTo(NOW);
    assertThat(d.confidenceScore()).isZero();
    assertThat(d.metadata()).isEqualTo(Map.of("campaign_hint", "jan"));
    assertThat(d.debug().suppressed()).isFalse();
    // What the timing job writes, the dispatch job's strict parser accepts.
    assertThat(Contracts.parseDecision(Contracts.toJson(d)).value()).isEqualTo(d);
  }

  @Test
  void theExplanationHasEveryDocumentedSection() throws Exception {
    AsapRule.Decided decided = rule.decide(request("r1", NOW.plusSeconds(600), null), 1, 7, NOW);
    JsonNode e = explanation(decided);

    assertThat(e.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "policy",
            "fallback_reason",
            "window",
            "inputs",
            "chosen",
            "runners_up",
            "latency",
            "confidence",
            "suppression");
    assertThat(e.get("policy").asText()).startsWith("asap");
    assertThat(e.get("fallback_reason").asText()).isNotBlank();
    assertThat(e.get("inputs").get("engagement_signals_seen").asLong()).isEqualTo(7);
    assertThat(e.get("chosen").get("target").asText()).isEqualTo(NOW.plusSeconds(600).toString());
    assertThat(e.get("chosen").get("target_minute_utc").asInt())
        .isEqualTo(decided.decision().targetMinuteUtc());
    assertThat(e.get("runners_up").isArray()).isTrue();
    assertThat(e.get("confidence").get("score").asDouble()).isZero();
    assertThat(e.get("confidence").get("components").isObject()).isTrue();
    assertThat(e.get("suppression").get("suppressed").asBoolean()).isFalse();
  }

  @Test
  void theExplanationRowMirrorsTheDecision() {
    AsapRule.Decided decided = rule.decide(request("r1", NOW.plusSeconds(600), null), 2, 0, NOW);
    TimingDecision d = decided.decision();
    ExplanationRow row = decided.explanation();

    assertThat(row.decisionId()).isEqualTo(d.decisionId());
    assertThat(row.explanationRef()).isEqualTo(d.explanationRef());
    assertThat(row.requestId()).isEqualTo("r1");
    assertThat(row.intentId()).isEqualTo("promo_jan");
    assertThat(row.universalId()).isEqualTo("u-42");
    assertThat(row.decisionVersion()).isEqualTo(2);
    assertThat(row.status()).isEqualTo("scheduled");
    assertThat(row.createdAt()).isEqualTo(NOW);
    assertThat(row.targetMinuteUtc()).isEqualTo(d.targetMinuteUtc());
    assertThat(row.targetTimestamp()).isEqualTo(d.targetTimestampUtc());
    assertThat(row.triggerTimestamp()).isEqualTo(d.triggerTimestampUtc());
    assertThat(row.latencyEstimateSeconds()).isEqualTo(2.0);
    assertThat(row.latencySource()).isEqualTo("configured_default");
    assertThat(row.modelVersion()).isEqualTo(AsapRule.MODEL_VERSION);
    assertThat(row.contextWeightsJson()).isEqualTo("[]");
    assertThat(row.suppressed()).isFalse();
  }

  @Test
  void withoutLatencyTheTriggerIsTheTarget() {
    AsapRule noLatency = new AsapRule(WINDOW, Duration.ZERO);
    TimingDecision d =
        noLatency.decide(request("r1", NOW.plusSeconds(90), null), 1, 0, NOW).decision();
    assertThat(d.triggerTimestampUtc()).isEqualTo(d.targetTimestampUtc());
    assertThat(d.latencyEstimateSeconds()).isZero();
  }

  static JsonNode explanation(AsapRule.Decided decided) throws Exception {
    return Contracts.mapper().readTree(decided.explanation().explanationJson());
  }
}
