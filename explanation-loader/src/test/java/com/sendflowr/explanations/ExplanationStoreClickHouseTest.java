package com.sendflowr.explanations;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.testkit.ClickHouseExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The production explanation store: a real ClickHouse, written through the official driver. */
class ExplanationStoreClickHouseTest {
  @RegisterExtension static final ClickHouseExtension CLICKHOUSE = new ClickHouseExtension();

  @Test
  void theDdlCreatesTheTableAndAReplayedDecisionIsOneRowUnderFinal() throws Exception {
    String db = CLICKHOUSE.freshDatabase();
    String url = CLICKHOUSE.jdbcUrl(db);
    ExplanationRow first = ExplanationStoreTest.row("req-1", 1);
    ExplanationRow other = ExplanationStoreTest.row("req-2", 1);

    Properties props = new Properties();
    props.setProperty("user", "default");
    props.setProperty("password", "");
    try (Connection c = DriverManager.getConnection(url, props)) {
      try (Statement st = c.createStatement()) {
        st.execute(ExplanationStore.ddlFor(url));
        st.execute(ExplanationStore.ddlFor(url)); // IF NOT EXISTS: a restart re-runs it
      }
      ExplanationStoreTest.insert(c, url, first);
      ExplanationStoreTest.insert(c, url, first); // a JdbcSink retry: a second part, same key
      ExplanationStoreTest.insert(c, url, other);
    }

    List<Map<String, Object>> rows =
        CLICKHOUSE.query(
            db,
            "SELECT decision_id, explanation_ref, request_id, intent_id, universal_id,"
                + " decision_version, status, created_at, created_at_ms, target_minute_utc,"
                + " trigger_timestamp, trigger_timestamp_ms, latency_estimate_seconds,"
                + " latency_source, model_version, context_weights, suppressed, explanation"
                + " FROM timing_explanations FINAL ORDER BY request_id");
    assertThat(rows).hasSize(2);
    Map<String, Object> row = rows.get(0);
    assertThat(row.get("decision_id")).isEqualTo(first.decisionId());
    assertThat(row.get("explanation_ref")).isEqualTo(first.explanationRef());
    assertThat(row.get("request_id")).isEqualTo("req-1");
    assertThat(row.get("intent_id")).isEqualTo("promo_jan");
    assertThat(row.get("universal_id")).isEqualTo(ContractSamples.RECIPIENT);
    assertThat(((Number) row.get("decision_version")).intValue()).isEqualTo(1);
    assertThat(row.get("status")).isEqualTo("scheduled");
    assertThat(row.get("created_at")).isEqualTo("2026-01-05 09:29:58");
    assertThat(row.get("created_at_ms"))
        .hasToString(String.valueOf(first.createdAt().toEpochMilli()));
    assertThat(((Number) row.get("target_minute_utc")).intValue())
        .isEqualTo(first.targetMinuteUtc());
    assertThat(row.get("trigger_timestamp")).isEqualTo("2026-01-05 09:39:58");
    assertThat(row.get("trigger_timestamp_ms"))
        .hasToString(String.valueOf(first.triggerTimestamp().toEpochMilli()));
    assertThat(((Number) row.get("latency_estimate_seconds")).doubleValue()).isEqualTo(2.0);
    assertThat(row.get("latency_source")).isEqualTo("configured_default");
    assertThat(row.get("model_version")).isEqualTo("test");
    assertThat(row.get("context_weights")).isEqualTo(first.contextWeightsJson());
    assertThat(((Number) row.get("suppressed")).intValue()).isZero();
    assertThat(row.get("explanation")).isEqualTo(first.explanationJson());
    assertThat(rows.get(1).get("decision_id")).isEqualTo(other.decisionId());

    assertThat(
            CLICKHOUSE.queryLong(
                "SELECT count() FROM "
                    + db
                    + ".timing_explanations FINAL WHERE decision_id = '"
                    + first.decisionId()
                    + "'"))
        .isEqualTo(1);
  }
}
