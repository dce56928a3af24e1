package com.sendflowr.explanations;

import com.sendflowr.contract.AuditTables;
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
  public static final String TABLE = AuditTables.DISPATCH_LOG;

  public static final String CLICKHOUSE_DDL = AuditTables.DISPATCH_LOG_CLICKHOUSE;

  public static final String H2_DDL = AuditTables.DISPATCH_LOG_H2;

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
    ps.setString(++i, StoreTable.text(o.bindingId()));
    ps.setString(++i, StoreTable.text(o.idempotencyKey()));
    ps.setString(++i, StoreTable.text(o.esp()));
    ps.setString(++i, StoreTable.text(o.espCampaignId()));
    ps.setString(++i, StoreTable.text(o.espTemplateId()));
    ps.setInt(++i, o.attempts());
    if (o.espStatus() == null) {
      ps.setNull(++i, Types.INTEGER);
    } else {
      ps.setInt(++i, o.espStatus());
    }
    ps.setString(++i, StoreTable.text(o.espResponseId()));
    ps.setString(++i, StoreTable.seconds(o.triggerTimestampUtc()));
    ps.setLong(++i, o.triggerTimestampUtc().toEpochMilli());
    ps.setString(++i, StoreTable.seconds(fired));
    ps.setLong(++i, fired.toEpochMilli());
    ps.setLong(++i, o.latenessMillis());
    ps.setString(++i, o.state().wire());
    ps.setString(++i, StoreTable.text(o.detail()));
  }
}
