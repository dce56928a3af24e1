package com.sendflowr.configservice;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sendflowr.contract.AuditTables;
import com.sendflowr.contract.Contracts;
import com.sendflowr.testkit.ClickHouseExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Rows of {@code timing_explanations} and {@code dispatch_log} as the explanation loader writes
 * them, for the decision explorer's tests, in the loader's own tables ({@link AuditTables}); the
 * explanation is shaped as the timing model's {@code Explanation.toMap()} writes it.
 */
final class SampleExplanations {
  private SampleExplanations() {}

  static final String DDL = AuditTables.TIMING_EXPLANATIONS_CLICKHOUSE;

  /** The loader's embedded (local runner) table. */
  static final String H2_DDL = AuditTables.TIMING_EXPLANATIONS_H2;

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /** A fresh database with both audit tables, and returns its name. */
  static String createTable(ClickHouseExtension ch) {
    String db = ch.freshDatabase();
    ch.execute(db, DDL);
    ch.execute(db, AuditTables.DISPATCH_LOG_CLICKHOUSE);
    ch.execute(db, AuditTables.DEAD_LETTERS_CLICKHOUSE);
    return db;
  }

  /** One dead letter as the loader keeps it. */
  static void insertDeadLetter(
      ClickHouseExtension ch, String db, String id, String stage, String reason, Instant at) {
    ObjectNode row = Contracts.mapper().createObjectNode();
    row.put("dead_letter_id", id);
    row.put("stage", stage);
    row.put("source_topic", "sendflowr.signals");
    row.put("record_key", "u-1");
    row.put("reason", reason);
    row.put("detail", "sample");
    row.put("payload", "{\"event_id\": ");
    row.put("payload_truncated", 0);
    row.put("rejected_at", SECONDS.format(at));
    row.put("rejected_at_ms", at.toEpochMilli());
    ch.execute(db, "INSERT INTO dead_letters FORMAT JSONEachRow " + row);
  }

  /** One dispatch outcome of decision {@code decisionId}'s request, as the loader writes it. */
  static void insertOutcome(
      ClickHouseExtension ch,
      String db,
      String decisionId,
      int version,
      String esp,
      String state,
      Integer espStatus,
      Instant trigger,
      Instant firedAt) {
    ObjectNode row = Contracts.mapper().createObjectNode();
    row.put("outcome_id", "out-" + decisionId + "-" + version + "-" + state);
    row.put("decision_id", decisionId);
    row.put("decision_version", version);
    row.put("request_id", "req-" + decisionId);
    row.put("intent_id", "promo_jan");
    row.put("universal_id", "u-1");
    row.put("binding_id", "promo_jan@" + esp);
    row.put("idempotency_key", "key-" + decisionId + "-" + version);
    row.put("esp", esp);
    row.put("esp_campaign_id", "abc123");
    row.put("esp_template_id", "");
    row.put("attempts", espStatus == null ? 0 : 1);
    if (espStatus == null) {
      row.putNull("esp_status");
    } else {
      row.put("esp_status", espStatus);
    }
    row.put("esp_response_id", "");
    row.put("trigger_timestamp", SECONDS.format(trigger));
    row.put("trigger_timestamp_ms", trigger.toEpochMilli());
    row.put("fired_at", SECONDS.format(firedAt));
    row.put("fired_at_ms", firedAt.toEpochMilli());
    row.put("lateness_millis", firedAt.toEpochMilli() - trigger.toEpochMilli());
    row.put("state", state);
    row.put("detail", state.equals("accepted") ? "" : "fired 190000 ms after its trigger");
    ch.execute(db, "INSERT INTO dispatch_log FORMAT JSONEachRow " + row);
  }

  /**
   * Inserts one version of a decision for {@code universalId}: target minute {@code chosen} of the
   * week (runners-up 30 and 60 minutes around it), trigger 42 s before the target.
   */
  static void insert(
      ClickHouseExtension ch,
      String db,
      String decisionId,
      int version,
      String universalId,
      String intentId,
      Instant createdAt,
      Instant target,
      int chosen,
      double confidence) {
    Instant trigger = target.minusSeconds(42);
    ObjectNode e = Contracts.mapper().createObjectNode();
    e.put("recipient_id", universalId);
    e.put("intent_id", intentId);
    e.put("model_version", "curve-v3");
    e.put("decided_at", createdAt.toString());
    e.put("outcome", "scheduled");
    e.put("policy", "personal");
    e.put("policy_reason", "confidence 0.64 >= threshold 0.2");
    ObjectNode inputs = e.putObject("inputs");
    inputs.put("has_history", true);
    inputs.put("signal_count", 37);
    inputs.put("decayed_evidence", 12.5);
    e.put("base_curve_peak_minute", chosen - 15);
    e.put("base_curve_peak_lift", 3.1);
    // The scored curve by hour: flat at 0.8, with the recipient's habit in the chosen hour.
    ArrayNode curve = e.putArray("weekly_curve");
    for (int h = 0; h < 168; h++) {
      curve.add(h == chosen / 60 ? 3.1 : h % 24 == (chosen / 60) % 24 ? 1.9 : 0.8);
    }
    e.set("best", minute(target, chosen, 2.4));
    e.set("chosen", minute(target, chosen, 2.4));
    ArrayNode ru = e.putArray("runners_up");
    ru.add(minute(target.plusSeconds(1800), chosen + 30, 2.1));
    ru.add(minute(target.minusSeconds(3600), chosen - 60, 1.7));
    ArrayNode weights = e.putArray("applied_weights");
    ObjectNode w = weights.addObject();
    w.put("signal", "site_visit");
    w.put("role", "hot_path");
    w.put("weight", 2.0);
    w.put("from", createdAt.minusSeconds(60).toString());
    w.put("until", createdAt.plusSeconds(7200).toString());
    ObjectNode sup = e.putObject("suppression");
    sup.put("suppressed", false);
    sup.putNull("suppressed_until");
    // A support ticket kept sends away for two hours the day before the target.
    ObjectNode breaker = sup.putArray("breakers_in_window").addObject();
    breaker.put("signal", "ticket_opened@zendesk");
    breaker.put("role", "circuit_breaker");
    breaker.put("weight", 0.0);
    breaker.put("from", target.minusSeconds(86_400).toString());
    breaker.put("until", target.minusSeconds(86_400 - 7_200).toString());
    ObjectNode lat = e.putObject("latency");
    lat.put("seconds", 42.0);
    lat.put("source", "learned");
    lat.put("detail", "klaviyo p50 over 120 deliveries");
    lat.put("trigger_clamped_to_now", false);
    ObjectNode c = e.putObject("confidence");
    c.put("score", confidence);
    c.put("evidence", 0.8);
    c.put("sharpness", 0.7);
    c.put("decayed_evidence", 12.5);
    c.put("peak_lift", 3.1);
    c.put("threshold", 0.2);

    ObjectNode row = Contracts.mapper().createObjectNode();
    row.put("decision_id", decisionId);
    row.put("explanation_ref", "expl:" + decisionId);
    row.put("request_id", "req-" + decisionId);
    row.put("intent_id", intentId);
    row.put("universal_id", universalId);
    row.put("decision_version", version);
    row.put("status", "scheduled");
    row.put("created_at", SECONDS.format(createdAt));
    row.put("created_at_ms", createdAt.toEpochMilli());
    row.put("target_minute_utc", chosen);
    row.put("target_timestamp", SECONDS.format(target));
    row.put("trigger_timestamp", SECONDS.format(trigger));
    row.put("trigger_timestamp_ms", trigger.toEpochMilli());
    row.put("latency_estimate_seconds", 42.0);
    row.put("latency_source", "learned");
    row.put("confidence_score", confidence);
    row.put("model_version", "curve-v3");
    row.put("context_weights", "[{\"signal\":\"site_visit\",\"weight\":2.0}]");
    row.put("suppressed", 0);
    row.put("explanation", Contracts.toJson(e));
    ch.execute(db, "INSERT INTO timing_explanations FORMAT JSONEachRow " + row);
  }

  private static ObjectNode minute(Instant at, int minuteOfWeek, double score) {
    ObjectNode m = Contracts.mapper().createObjectNode();
    m.put("instant", at.toString());
    m.put("minute_of_week", minuteOfWeek);
    m.put("activity_lift", score / 1.2);
    m.put("base_lift", score / 1.5);
    m.put("context_factor", 1.2);
    m.put("score", score);
    return m;
  }
}
