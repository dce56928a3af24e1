package com.sendflowr.explanations;

import com.sendflowr.contract.AuditTables;
import com.sendflowr.contract.ExplanationRow;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The {@code timing_explanations} table: one row per decision version, written from the explanation
 * rows the timing job emits (see {@link StoreTable} for how writes and replays go).
 */
public final class ExplanationStore {
  public static final String TABLE = AuditTables.TIMING_EXPLANATIONS;

  public static final String CLICKHOUSE_DDL = AuditTables.TIMING_EXPLANATIONS_CLICKHOUSE;

  public static final String H2_DDL = AuditTables.TIMING_EXPLANATIONS_H2;

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
