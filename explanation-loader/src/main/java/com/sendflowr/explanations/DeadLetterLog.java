package com.sendflowr.explanations;

import com.sendflowr.contract.AuditTables;
import com.sendflowr.contract.DeadLetter;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The {@code dead_letters} table: every dead letter of every stage, so an operator can count them
 * by stage and reason over the last hours and read what was rejected without a Kafka consumer.
 * Keyed by the dead letter's id.
 */
public final class DeadLetterLog {
  public static final String TABLE = AuditTables.DEAD_LETTERS;

  static final String COLUMNS =
      "dead_letter_id, stage, source_topic, record_key, reason, detail, payload,"
          + " payload_truncated, rejected_at, rejected_at_ms";

  public static final StoreTable<DeadLetter> DEFINITION =
      new StoreTable<>(
          TABLE,
          AuditTables.DEAD_LETTERS_CLICKHOUSE,
          AuditTables.DEAD_LETTERS_H2,
          COLUMNS,
          "dead_letter_id",
          DeadLetterLog::bind);

  private DeadLetterLog() {}

  static void bind(PreparedStatement ps, DeadLetter d) throws SQLException {
    int i = 0;
    ps.setString(++i, d.deadLetterId());
    ps.setString(++i, d.stage());
    ps.setString(++i, StoreTable.text(d.sourceTopic()));
    ps.setString(++i, StoreTable.text(d.key()));
    ps.setString(++i, d.reason().wire());
    ps.setString(++i, StoreTable.text(d.detail()));
    ps.setString(++i, StoreTable.text(d.payload()));
    ps.setInt(++i, d.payloadTruncated() ? 1 : 0);
    ps.setString(++i, StoreTable.seconds(d.rejectedAt()));
    ps.setLong(++i, d.rejectedAt().toEpochMilli());
  }
}
