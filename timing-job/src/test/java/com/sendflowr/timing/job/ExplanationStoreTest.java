package com.sendflowr.timing.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.contract.SendRequest;
import com.sendflowr.timing.model.DecisionRequest;
import com.sendflowr.timing.model.LatencyTracker;
import com.sendflowr.timing.model.TimingEngine;
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
  static final Instant NOW = Instant.parse("2026-01-05T09:30:00.250Z");

  static ExplanationRow row(String requestId, int version) {
    SendRequest r =
        new SendRequest(
            requestId, "u-42", Map.of(), "promo_jan", NOW.plusSeconds(600), null, null, Map.of());
    TimingEngine engine = ModelSpec.defaults().engine();
    DecisionRequest request =
        new DecisionRequest(
            "u-42",
            "promo_jan",
            NOW,
            r.notBefore(),
            r.notBefore().plus(Duration.ofHours(24)),
            null,
            null,
            LatencyTracker.withDefaults(Duration.ofMillis(1_500)),
            null);
    TimingPolicy asap = TimingPolicy.asap(engine);
    DecisionMapper.Lifecycle lc =
        new DecisionMapper.Lifecycle(version, null, "request", Map.of(), null, null);
    return DecisionMapper.fromChoice(
            r, "u-42", lc, asap.choose(request), asap, "test", NOW, request.notAfter())
        .explanation();
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
        assertThat(rs.getString("universal_id")).isEqualTo("u-42");
        assertThat(rs.getInt("decision_version")).isEqualTo(1);
        assertThat(rs.getString("status")).isEqualTo("scheduled");
        assertThat(rs.getString("created_at")).startsWith("2026-01-05 09:30:00");
        assertThat(rs.getLong("created_at_ms")).isEqualTo(NOW.toEpochMilli());
        assertThat(rs.getInt("target_minute_utc")).isEqualTo(row.targetMinuteUtc());
        assertThat(rs.getString("target_timestamp"))
            .startsWith(ExplanationStore.seconds(row.targetTimestamp()));
        assertThat(rs.getString("trigger_timestamp"))
            .startsWith(ExplanationStore.seconds(row.triggerTimestamp()));
        assertThat(rs.getLong("trigger_timestamp_ms"))
            .isEqualTo(row.triggerTimestamp().toEpochMilli());
        assertThat(rs.getDouble("latency_estimate_seconds")).isEqualTo(1.5);
        assertThat(rs.getString("latency_source")).isEqualTo("configured_default");
        assertThat(rs.getDouble("confidence_score")).isZero();
        assertThat(rs.getString("model_version")).isEqualTo(TimingPolicy.ASAP_MODEL_VERSION);
        assertThat(rs.getString("context_weights")).isEqualTo("[]");
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
    assertThat(ExplanationStore.driverFor("jdbc:ch://h/db"))
        .isEqualTo("com.clickhouse.jdbc.ClickHouseDriver");
    assertThat(ExplanationStore.driverFor("jdbc:h2:mem:x")).isEqualTo("org.h2.Driver");
    assertThatThrownBy(() -> ExplanationStore.driverFor("jdbc:postgresql://h/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ClickHouse")
        .hasMessageContaining("H2");
  }

  @Test
  void dateTimesAreBoundAsUtcSecondsText() {
    assertThat(ExplanationStore.seconds(Instant.parse("2026-01-05T09:30:59.999Z")))
        .isEqualTo("2026-01-05 09:30:59");
  }
}
