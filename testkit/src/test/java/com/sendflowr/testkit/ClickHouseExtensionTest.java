package com.sendflowr.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClickHouseExtensionTest {

  @RegisterExtension static final ClickHouseExtension CLICKHOUSE = new ClickHouseExtension();

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @Test
  void batchedJdbcInsertIsReadBackOverHttp() throws Exception {
    String db = CLICKHOUSE.freshDatabase();
    CLICKHOUSE.execute(
        "CREATE TABLE "
            + db
            + ".explanations (decision_id String, created_at DateTime, created_at_ms UInt64,"
            + " confidence Float64) ENGINE = ReplacingMergeTree ORDER BY decision_id");

    LocalDateTime base = LocalDateTime.of(2026, 1, 5, 9, 30, 0);
    Properties props = new Properties();
    props.setProperty("user", "default");
    props.setProperty("password", "");
    try (Connection connection = DriverManager.getConnection(CLICKHOUSE.jdbcUrl(db), props);
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO explanations (decision_id, created_at, created_at_ms, confidence)"
                    + " VALUES (?, ?, ?, ?)")) {
      for (int i = 0; i < 100; i++) {
        LocalDateTime at = base.plusMinutes(i);
        insert.setString(1, "d-" + i);
        // 18.16 only understands DateTime bound as text.
        insert.setString(2, at.format(SECONDS));
        insert.setLong(3, at.toInstant(ZoneOffset.UTC).toEpochMilli() + 123);
        insert.setDouble(4, i / 100.0);
        insert.addBatch();
      }
      insert.executeBatch();
    }

    assertThat(CLICKHOUSE.queryLong("SELECT count() FROM " + db + ".explanations")).isEqualTo(100);
    List<Map<String, Object>> rows =
        CLICKHOUSE.query(
            db,
            "SELECT decision_id, created_at, created_at_ms, confidence FROM explanations"
                + " WHERE decision_id = 'd-7'");
    assertThat(rows).hasSize(1);
    Map<String, Object> row = rows.get(0);
    assertThat(row.get("decision_id")).isEqualTo("d-7");
    // The server runs in UTC, so the text round-trips unchanged.
    assertThat(row.get("created_at")).isEqualTo("2026-01-05 09:37:00");
    assertThat(row.get("created_at_ms"))
        .hasToString(
            String.valueOf(base.plusMinutes(7).toInstant(ZoneOffset.UTC).toEpochMilli() + 123));
    assertThat(((Number) row.get("confidence")).doubleValue()).isEqualTo(0.07);
  }

  @Test
  void httpInsertsAndFreshDatabasesAreIsolated() {
    String first = CLICKHOUSE.freshDatabase();
    String second = CLICKHOUSE.freshDatabase();
    assertThat(first).isNotEqualTo(second);
    for (String db : List.of(first, second)) {
      CLICKHOUSE.execute(db, "CREATE TABLE t (k String, v UInt32) ENGINE = MergeTree ORDER BY k");
    }
    CLICKHOUSE.execute(
        first, "INSERT INTO t FORMAT JSONEachRow {\"k\":\"a\",\"v\":1}\n{\"k\":\"b\",\"v\":2}");

    assertThat(CLICKHOUSE.query(first, "SELECT k, v FROM t ORDER BY k"))
        .containsExactly(Map.of("k", "a", "v", 1), Map.of("k", "b", "v", 2));
    assertThat(CLICKHOUSE.queryLong("SELECT count() FROM " + second + ".t")).isZero();
  }

  @Test
  void serverErrorsCarryClickHousesMessage() {
    assertThatThrownBy(() -> CLICKHOUSE.query("SELECT * FROM no_such_db.no_such_table"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no_such_db");
    assertThat(CLICKHOUSE.jdbcUrl()).contains("compress=false");
  }
}
