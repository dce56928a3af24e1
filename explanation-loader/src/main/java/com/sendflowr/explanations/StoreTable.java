package com.sendflowr.explanations;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.datasource.connections.JdbcConnectionProvider;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;

/**
 * One audit table the loader writes: its DDL for ClickHouse (production) and H2 (the local embedded
 * store), its columns and key, and how a record binds to them. The tables are {@link
 * ExplanationStore#TABLE} and {@link DispatchLog#TABLE}; the sink is the same for both.
 *
 * <p>Writes are at-least-once (the ClickHouse driver has no transactions); retries and replays are
 * harmless because each table is a ReplacingMergeTree on its key, so a replayed row collapses into
 * the original on merge ({@code SELECT ... FINAL} sees one row). H2 would reject a replayed primary
 * key, so the local store uses MERGE, which is standard SQL. Timestamps are stored as second
 * precision DateTime plus a milliseconds column, which works on every ClickHouse version.
 *
 * @param columns comma-separated, in the order {@code binder} binds them
 * @param key the column replays collapse on
 */
public record StoreTable<T>(
    String name,
    String clickHouseDdl,
    String h2Ddl,
    String columns,
    String key,
    JdbcStatementBuilder<T> binder)
    implements Serializable {

  private static final DateTimeFormatter SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  public String insertSql(String jdbcUrl) {
    int n = columns.split(",").length;
    String values = "VALUES (" + "?, ".repeat(n - 1) + "?)";
    return isH2(jdbcUrl)
        ? "MERGE INTO " + name + " (" + columns + ") KEY (" + key + ") " + values
        : "INSERT INTO " + name + " (" + columns + ") " + values;
  }

  public String ddlFor(String jdbcUrl) {
    return isH2(jdbcUrl) ? h2Ddl : clickHouseDdl;
  }

  /** A text column's value: ClickHouse's String is not nullable, an absent value is empty. */
  static String text(String s) {
    return s == null ? "" : s;
  }

  /** DateTime as the ClickHouse driver needs it bound: a UTC string, second precision. */
  static String seconds(Instant t) {
    return SECONDS.format(t);
  }

  /**
   * The sink: flink-connector-jdbc's JdbcSink inside a {@link RetryingJdbcSink}, which retries a
   * store outage without end and never throws from {@code close}. The table must exist (see {@link
   * #ddlFor}).
   */
  public RetryingJdbcSink<T> sink(StoreOptions store) {
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
    JdbcSink<T> jdbc =
        JdbcSink.<T>builder()
            .withQueryStatement(insertSql(store.jdbcUrl()), binder)
            .withExecutionOptions(RetryingJdbcSink.DELEGATE_EXECUTION)
            .buildAtLeastOnce(connections);
    return new RetryingJdbcSink<>(
        jdbc,
        connections,
        new RetryingJdbcSink.Settings(store.batchSize(), store.flushInterval(), store.backoff()));
  }

  static String driverFor(String jdbcUrl) {
    if (isClickHouse(jdbcUrl)) {
      return "com.clickhouse.jdbc.ClickHouseDriver";
    }
    if (isH2(jdbcUrl)) {
      return "org.h2.Driver";
    }
    throw new IllegalArgumentException(
        "the audit store must be ClickHouse (jdbc:clickhouse:...) or H2 (jdbc:h2:...)");
  }

  private static boolean isH2(String jdbcUrl) {
    return jdbcUrl.startsWith("jdbc:h2:");
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
