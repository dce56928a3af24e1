package com.sendflowr.explanations;

import com.sendflowr.contract.ExplanationRow;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The {@code timing_explanations} table: one row per decision version, written from the explanation
 * rows the timing job emits (see {@link StoreTable} for how writes and replays go).
 */
public final class ExplanationStore {
  public static final String TABLE = "timing_explanations";

  public static final String CLICKHOUSE_DDL =
      """
      CREATE TABLE IF NOT EXISTS timing_explanations (
        decision_id String,
        explanation_ref String,
        request_id String,
        intent_id String,
        universal_id String,
        decision_version UInt32,
        status String,
        created_at DateTime,
        created_at_ms UInt64,
        target_minute_utc UInt16,
        target_timestamp DateTime,
        trigger_timestamp DateTime,
        trigger_timestamp_ms UInt64,
        latency_estimate_seconds Float64,
        latency_source String,
        confidence_score Float64,
        model_version String,
        context_weights String,
        suppressed UInt8,
        explanation String
      ) ENGINE = ReplacingMergeTree(created_at_ms)
      PARTITION BY toYYYYMM(created_at)
      ORDER BY (decision_id)
      """;

  public static final String H2_DDL =
      """
      CREATE TABLE IF NOT EXISTS timing_explanations (
        decision_id VARCHAR(256) PRIMARY KEY,
        explanation_ref VARCHAR(256),
        request_id VARCHAR(256),
        intent_id VARCHAR(256),
        universal_id VARCHAR(256),
        decision_version INT,
        status VARCHAR(32),
        created_at TIMESTAMP,
        created_at_ms BIGINT,
        target_minute_utc INT,
        target_timestamp TIMESTAMP,
        trigger_timestamp TIMESTAMP,
        trigger_timestamp_ms BIGINT,
        latency_estimate_seconds DOUBLE PRECISION,
        latency_source VARCHAR(64),
        confidence_score DOUBLE PRECISION,
        model_version VARCHAR(64),
        context_weights VARCHAR(65536),
        suppressed SMALLINT,
        explanation VARCHAR(1000000)
      )
      """;

  static final String COLUMNS =
      "decision_id, explanation_ref, request_id, intent_id, universal_id, decision_version,"
          + " status, created_at, created_at_ms, target_minute_utc, target_timestamp,"
          + " trigger_timestamp, trigger_timestamp_ms, latency_estimate_seconds, latency_source,"
          + " confidence_score, model_version, context_weights, suppressed, explanation";

  public static final StoreTable<ExplanationRow> DEFINITION =
      new StoreTable<>(
          TABLE, CLICKHOUSE_DDL, H2_DDL, COLUMNS, "decision_id", ExplanationStore::bind);

  private ExplanationStore() {}

  public static String insertSql(String jdbcUrl) {
    return DEFINITION.insertSql(jdbcUrl);
  }

  public static String ddlFor(String jdbcUrl) {
    return DEFINITION.ddlFor(jdbcUrl);
  }

  public static RetryingJdbcSink<ExplanationRow> sink(StoreOptions store) {
    return DEFINITION.sink(store);
  }

  static void bind(PreparedStatement ps, ExplanationRow r) throws SQLException {
    int i = 0;
    ps.setString(++i, r.decisionId());
    ps.setString(++i, r.explanationRef());
    ps.setString(++i, r.requestId());
    ps.setString(++i, r.intentId());
    ps.setString(++i, r.universalId());
    ps.setInt(++i, r.decisionVersion());
    ps.setString(++i, r.status());
    ps.setString(++i, StoreTable.seconds(r.createdAt()));
    ps.setLong(++i, r.createdAt().toEpochMilli());
    ps.setInt(++i, r.targetMinuteUtc());
    ps.setString(++i, StoreTable.seconds(r.targetTimestamp()));
    ps.setString(++i, StoreTable.seconds(r.triggerTimestamp()));
    ps.setLong(++i, r.triggerTimestamp().toEpochMilli());
    ps.setDouble(++i, r.latencyEstimateSeconds());
    ps.setString(++i, r.latencySource());
    ps.setDouble(++i, r.confidenceScore());
    ps.setString(++i, r.modelVersion());
    ps.setString(++i, r.contextWeightsJson());
    ps.setInt(++i, r.suppressed() ? 1 : 0);
    ps.setString(++i, r.explanationJson());
  }
}
