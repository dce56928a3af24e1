package com.sendflowr.explanations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.ExplanationRow;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The explanation table on the local embedded store (H2); ClickHouse has its own test. */
class ExplanationStoreTest {
  static final Instant TRIGGER = Instant.parse("2026-01-05T09:39:58.500Z");

  /** A row as the timing job writes it: decided 10 minutes before its trigger. */
  static ExplanationRow row(String requestId, int version) {
    return ContractSamples.explanationRow(
        ContractSamples.decision(
            requestId,
            version,
            DecisionStatus.SCHEDULED,
            TRIGGER,
            TRIGGER.plus(Duration.ofHours(1)),
            Map.of()));
  }

  static void insert(Connection c, String jdbcUrl, ExplanationRow row) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(ExplanationStore.insertSql(jdbcUrl))) {
      ExplanationStore.bind(ps, row);
      ps.executeUpdate();
    }
  }

  @Test
  void theH2TableStoresARowAndAReplayedInsertLeavesOne() throws Exception {
    String url = "jdbc:h2:mem:expl-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    ExplanationRow row = row("req-1", 1);
    try (Connection c = DriverManager.getConnection(url)) {
      try (Statement st = c.createStatement()) {
        st.execute(ExplanationStore.ddlFor(url));
        st.execute(ExplanationStore.ddlFor(url)); // IF NOT EXISTS: a restart re-runs it
      }
      insert(c, url, row);
      insert(c, url, row); // a JdbcSink retry after a failure

      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT * FROM " + ExplanationStore.TABLE)) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("decision_id")).isEqualTo(row.decisionId());
        assertThat(rs.getString("explanation_ref")).isEqualTo(row.explanationRef());
        assertThat(rs.getString("request_id")).isEqualTo("req-1");
        assertThat(rs.getString("intent_id")).isEqualTo("promo_jan");
        assertThat(rs.getString("universal_id")).isEqualTo(ContractSamples.RECIPIENT);
        assertThat(rs.getInt("decision_version")).isEqualTo(1);
        assertThat(rs.getString("status")).isEqualTo("scheduled");
        assertThat(rs.getString("created_at")).startsWith("2026-01-05 09:29:58");
        assertThat(rs.getLong("created_at_ms")).isEqualTo(row.createdAt().toEpochMilli());
        assertThat(rs.getInt("target_minute_utc")).isEqualTo(row.targetMinuteUtc());
        assertThat(rs.getString("target_timestamp")).startsWith("2026-01-05 09:40:00");
        assertThat(rs.getString("trigger_timestamp")).startsWith("2026-01-05 09:39:58");
        assertThat(rs.getLong("trigger_timestamp_ms"))
            .isEqualTo(row.triggerTimestamp().toEpochMilli());
        assertThat(rs.getDouble("latency_estimate_seconds")).isEqualTo(2.0);
        assertThat(rs.getString("latency_source")).isEqualTo("configured_default");
        assertThat(rs.getDouble("confidence_score")).isEqualTo(0.5);
        assertThat(rs.getString("model_version")).isEqualTo("test");
        assertThat(rs.getString("context_weights")).isEqualTo(row.contextWeightsJson());
        assertThat(rs.getInt("suppressed")).isZero();
        assertThat(rs.getString("explanation")).isEqualTo(row.explanationJson());
        assertThat(rs.next()).as("one row after a replayed insert").isFalse();
      }

      insert(c, url, row("req-1", 2)); // a new version is a new decision, a new row
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM " + ExplanationStore.TABLE)) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(2);
      }
    }
  }

  @Test
  void eachStoreGetsItsOwnDialect() {
    assertThat(ExplanationStore.insertSql("jdbc:h2:mem:x")).startsWith("MERGE INTO ");
    assertThat(ExplanationStore.insertSql("jdbc:h2:mem:x")).contains("KEY (decision_id)");
    assertThat(ExplanationStore.insertSql("jdbc:clickhouse://h:8123/db"))
        .startsWith("INSERT INTO timing_explanations (");
    assertThat(ExplanationStore.ddlFor("jdbc:h2:mem:x")).isEqualTo(ExplanationStore.H2_DDL);
    assertThat(ExplanationStore.ddlFor("jdbc:clickhouse://h:8123/db"))
        .isEqualTo(ExplanationStore.CLICKHOUSE_DDL)
        .contains("ReplacingMergeTree")
        .contains("ORDER BY (decision_id)");
    assertThat(StoreTable.driverFor("jdbc:ch://h/db"))
        .isEqualTo("com.clickhouse.jdbc.ClickHouseDriver");
    assertThat(StoreTable.driverFor("jdbc:h2:mem:x")).isEqualTo("org.h2.Driver");
    assertThatThrownBy(() -> StoreTable.driverFor("jdbc:postgresql://h/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ClickHouse")
        .hasMessageContaining("H2");
  }

  @Test
  void dateTimesAreBoundAsUtcSecondsText() {
    assertThat(StoreTable.seconds(Instant.parse("2026-01-05T09:30:59.999Z")))
        .isEqualTo("2026-01-05 09:30:59");
  }
}
