package com.sendflowr.explanations;

import com.sendflowr.contract.DispatchOutcome;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * The {@code dispatch_log} table: one row per dispatch outcome (accepted, possibly sent, expired,
 * dead-lettered, ...), the other half of the audit trail next to {@link ExplanationStore}: for a
 * decision, what fired when, to which ESP and binding, and what the ESP answered. Keyed by the
 * outcome id, which the dispatch job derives from decision and state, so a replay collapses.
 */
public final class DispatchLog {
  public static final String TABLE = "dispatch_log";

  public static final String CLICKHOUSE_DDL =
      """
      CREATE TABLE IF NOT EXISTS dispatch_log (
        outcome_id String,
        decision_id String,
        decision_version UInt32,
        request_id String,
        intent_id String,
        universal_id String,
        binding_id String,
        idempotency_key String,
        esp String,
        esp_campaign_id String,
        esp_template_id String,
        attempts UInt32,
        esp_status Nullable(Int32),
        esp_response_id String,
        trigger_timestamp DateTime,
        trigger_timestamp_ms UInt64,
        fired_at DateTime,
        fired_at_ms UInt64,
        lateness_millis Int64,
        state String,
        detail String
      ) ENGINE = ReplacingMergeTree(fired_at_ms)
      PARTITION BY toYYYYMM(trigger_timestamp)
      ORDER BY (outcome_id)
      """;

  public static final String H2_DDL =
      """
      CREATE TABLE IF NOT EXISTS dispatch_log (
        outcome_id VARCHAR(256) PRIMARY KEY,
        decision_id VARCHAR(256),
        decision_version INT,
        request_id VARCHAR(256),
        intent_id VARCHAR(256),
        universal_id VARCHAR(256),
        binding_id VARCHAR(256),
        idempotency_key VARCHAR(256),
        esp VARCHAR(64),
        esp_campaign_id VARCHAR(256),
        esp_template_id VARCHAR(256),
        attempts INT,
        esp_status INT,
        esp_response_id VARCHAR(512),
        trigger_timestamp TIMESTAMP,
        trigger_timestamp_ms BIGINT,
        fired_at TIMESTAMP,
        fired_at_ms BIGINT,
        lateness_millis BIGINT,
        state VARCHAR(32),
        detail VARCHAR(1000000)
      )
      """;

  static final String COLUMNS =
      "outcome_id, decision_id, decision_version, request_id, intent_id, universal_id,"
          + " binding_id, idempotency_key, esp, esp_campaign_id, esp_template_id, attempts,"
          + " esp_status, esp_response_id, trigger_timestamp, trigger_timestamp_ms, fired_at,"
          + " fired_at_ms, lateness_millis, state, detail";

  public static final StoreTable<DispatchOutcome> DEFINITION =
      new StoreTable<>(TABLE, CLICKHOUSE_DDL, H2_DDL, COLUMNS, "outcome_id", DispatchLog::bind);

  private DispatchLog() {}

  static void bind(PreparedStatement ps, DispatchOutcome o) throws SQLException {
    // An outcome without an ESP call (unroutable, suppressed) was never fired: its trigger stands
    // in, so the row still sorts in time.
    Instant fired = o.firedAt() != null ? o.firedAt() : o.triggerTimestampUtc();
    int i = 0;
    ps.setString(++i, o.outcomeId());
    ps.setString(++i, o.decisionId());
    ps.setInt(++i, o.decisionVersion());
    ps.setString(++i, o.requestId());
    ps.setString(++i, o.intentId());
    ps.setString(++i, o.universalId());
    ps.setString(++i, orEmpty(o.bindingId()));
    ps.setString(++i, orEmpty(o.idempotencyKey()));
    ps.setString(++i, orEmpty(o.esp()));
    ps.setString(++i, orEmpty(o.espCampaignId()));
    ps.setString(++i, orEmpty(o.espTemplateId()));
    ps.setInt(++i, o.attempts());
    if (o.espStatus() == null) {
      ps.setNull(++i, Types.INTEGER);
    } else {
      ps.setInt(++i, o.espStatus());
    }
    ps.setString(++i, orEmpty(o.espResponseId()));
    ps.setString(++i, StoreTable.seconds(o.triggerTimestampUtc()));
    ps.setLong(++i, o.triggerTimestampUtc().toEpochMilli());
    ps.setString(++i, StoreTable.seconds(fired));
    ps.setLong(++i, fired.toEpochMilli());
    ps.setLong(++i, o.latenessMillis());
    ps.setString(++i, o.state().wire());
    ps.setString(++i, orEmpty(o.detail()));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
