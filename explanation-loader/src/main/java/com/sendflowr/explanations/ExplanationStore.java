package com.sendflowr.explanations;

import com.sendflowr.contract.ExplanationRow;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.datasource.connections.JdbcConnectionProvider;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;

/**
 * The {@code timing_explanations} table: its DDL for ClickHouse (production) and H2 (the local
 * embedded store), and the sink that writes it.
 *
 * <p>Writes are at-least-once (the ClickHouse driver has no transactions); retries and replays are
 * harmless because the table is a ReplacingMergeTree on the decision id, so a replayed row
 * collapses into the original on merge ({@code SELECT ... FINAL} sees one row). Timestamps are
 * stored as second precision DateTime plus a milliseconds column, which works on every ClickHouse
 * version.
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

  /**
   * Plain INSERT on ClickHouse (deduplicated by the engine). H2 would reject a replayed primary
   * key, so the local store uses MERGE, which is standard SQL.
   */
  static final String COLUMNS =
      "decision_id, explanation_ref, request_id, intent_id, universal_id, decision_version,"
          + " status, created_at, created_at_ms, target_minute_utc, target_timestamp,"
          + " trigger_timestamp, trigger_timestamp_ms, latency_estimate_seconds, latency_source,"
          + " confidence_score, model_version, context_weights, suppressed, explanation";

  static final String VALUES =
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private ExplanationStore() {}

  public static String insertSql(String jdbcUrl) {
    String verb = jdbcUrl.startsWith("jdbc:h2:") ? "MERGE INTO " : "INSERT INTO ";
    String key = jdbcUrl.startsWith("jdbc:h2:") ? " KEY (decision_id) " : " ";
    return verb + TABLE + " (" + COLUMNS + ")" + key + VALUES;
  }

  public static String ddlFor(String jdbcUrl) {
    return jdbcUrl.startsWith("jdbc:h2:") ? H2_DDL : CLICKHOUSE_DDL;
  }

  static String driverFor(String jdbcUrl) {
    if (isClickHouse(jdbcUrl)) {
      return "com.clickhouse.jdbc.ClickHouseDriver";
    }
    if (jdbcUrl.startsWith("jdbc:h2:")) {
      return "org.h2.Driver";
    }
    throw new IllegalArgumentException(
        "explanation store must be ClickHouse (jdbc:clickhouse:...) or H2 (jdbc:h2:...)");
  }

  /** DateTime as the ClickHouse driver needs it bound: a UTC string, second precision. */
  static String seconds(Instant t) {
    return SECONDS.format(t);
  }

  static final JdbcStatementBuilder<ExplanationRow> BIND = ExplanationStore::bind;

  static void bind(PreparedStatement ps, ExplanationRow r) throws SQLException {
    int i = 0;
    ps.setString(++i, r.decisionId());
    ps.setString(++i, r.explanationRef());
    ps.setString(++i, r.requestId());
    ps.setString(++i, r.intentId());
    ps.setString(++i, r.universalId());
    ps.setInt(++i, r.decisionVersion());
    ps.setString(++i, r.status());
    ps.setString(++i, seconds(r.createdAt()));
    ps.setLong(++i, r.createdAt().toEpochMilli());
    ps.setInt(++i, r.targetMinuteUtc());
    ps.setString(++i, seconds(r.targetTimestamp()));
    ps.setString(++i, seconds(r.triggerTimestamp()));
    ps.setLong(++i, r.triggerTimestamp().toEpochMilli());
    ps.setDouble(++i, r.latencyEstimateSeconds());
    ps.setString(++i, r.latencySource());
    ps.setDouble(++i, r.confidenceScore());
    ps.setString(++i, r.modelVersion());
    ps.setString(++i, r.contextWeightsJson());
    ps.setInt(++i, r.suppressed() ? 1 : 0);
    ps.setString(++i, r.explanationJson());
  }

  /**
   * The sink: flink-connector-jdbc's JdbcSink inside a {@link RetryingJdbcSink}, which retries a
   * store outage without end and never throws from {@code close}. The table must exist (see {@link
   * #ddlFor}).
   */
  public static RetryingJdbcSink<ExplanationRow> sink(StoreOptions store) {
    JdbcConnectionOptions.JdbcConnectionOptionsBuilder connection =
        new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
            .withUrl(store.jdbcUrl())
            .withDriverName(driverFor(store.jdbcUrl()));
    if (store.user() != null && !store.user().isEmpty()) {
      connection.withUsername(store.user());
    }
    if (store.password() != null && !store.password().isEmpty()) {
      connection.withPassword(store.password());
    }
    if (isClickHouse(store.jdbcUrl())) {
      // Bounded network waits: a cancelled loader must leave a hung call within Flink's task
      // cancellation timeout, or the TaskManager is killed.
      defaultProperty(connection, store.jdbcUrl(), "connection_timeout", "5000");
      defaultProperty(connection, store.jdbcUrl(), "socket_timeout", "30000");
    }
    JdbcConnectionProvider connections = new SimpleJdbcConnectionProvider(connection.build());
    JdbcSink<ExplanationRow> jdbc =
        JdbcSink.<ExplanationRow>builder()
            .withQueryStatement(insertSql(store.jdbcUrl()), BIND)
            .withExecutionOptions(RetryingJdbcSink.DELEGATE_EXECUTION)
            .buildAtLeastOnce(connections);
    return new RetryingJdbcSink<>(
        jdbc,
        connections,
        new RetryingJdbcSink.Settings(store.batchSize(), store.flushInterval(), store.backoff()));
  }

  private static boolean isClickHouse(String jdbcUrl) {
    return jdbcUrl.startsWith("jdbc:clickhouse:") || jdbcUrl.startsWith("jdbc:ch:");
  }

  private static void defaultProperty(
      JdbcConnectionOptions.JdbcConnectionOptionsBuilder connection,
      String jdbcUrl,
      String name,
      String value) {
    if (!jdbcUrl.contains(name + "=")) {
      connection.withProperty(name, value);
    }
  }
}
