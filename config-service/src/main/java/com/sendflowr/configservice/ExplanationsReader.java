package com.sendflowr.configservice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sendflowr.contract.AuditTables;
import com.sendflowr.contract.Contracts;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the timing job's decision explanations ({@code timing_explanations}) and the dispatch job's
 * outcomes ({@code dispatch_log}), both written by the explanation loader, for the operator UI's
 * decision explorer. Production stores are ClickHouse, read over its HTTP interface ({@code FORMAT
 * JSON}), which every ClickHouse version answers (the JDBC driver cannot read from the old servers
 * some machines run); the local runner's embedded H2 store is read over JDBC ({@link #ofJdbc}).
 * Read only: it never writes.
 *
 * <p>For ClickHouse, values are put into the SQL as escaped string literals, since old servers have
 * no query parameters; ids are length- and character-checked first. JDBC binds them.
 */
public final class ExplanationsReader {
  private static final Logger LOG = LoggerFactory.getLogger(ExplanationsReader.class);
  static final String TABLE = AuditTables.TIMING_EXPLANATIONS;

  /** What the dispatch timeline shows of each outcome. */
  private static final String OUTCOME_COLUMNS =
      "outcome_id, decision_id, decision_version, binding_id, esp, esp_campaign_id, attempts,"
          + " esp_status, esp_response_id, trigger_timestamp_ms, fired_at_ms, lateness_millis,"
          + " state, detail";

  static final int MAX_ID_LENGTH = 256;

  /** The columns a list shows; the detail adds the explanation and context weights. */
  private static final String SUMMARY_COLUMNS =
      "decision_id, explanation_ref, request_id, intent_id, universal_id, decision_version,"
          + " status, created_at_ms, target_minute_utc, trigger_timestamp_ms,"
          + " latency_estimate_seconds, latency_source, confidence_score, model_version, suppressed";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String url;
  private final String database;
  private final String jdbcUrl;

  /**
   * @param httpUrl ClickHouse's HTTP interface, e.g. {@code http://127.0.0.1:8123}
   * @param database where {@value #TABLE} lives
   */
  public ExplanationsReader(String httpUrl, String database) {
    this.url = httpUrl.endsWith("/") ? httpUrl.substring(0, httpUrl.length() - 1) : httpUrl;
    if (database == null || !database.matches("[A-Za-z0-9_]{1,64}")) {
      throw new IllegalArgumentException("a ClickHouse database name, e.g. default");
    }
    this.database = database;
    this.jdbcUrl = null;
  }

  private ExplanationsReader(String jdbcUrl) {
    this.url = null;
    this.database = null;
    this.jdbcUrl = jdbcUrl;
  }

  /** Over JDBC, e.g. the local runner's embedded {@code jdbc:h2:mem:...} store. */
  public static ExplanationsReader ofJdbc(String jdbcUrl) {
    return new ExplanationsReader(jdbcUrl);
  }

  /** A recipient's latest decisions, newest first, one row per decision (its latest version). */
  public List<JsonNode> decisionsOf(String universalId, int limit) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode row :
        select(
            SUMMARY_COLUMNS,
            "universal_id",
            checkedId("universal_id", universalId),
            " ORDER BY created_at_ms DESC LIMIT " + limit)) {
      out.add(summary(row));
    }
    return out;
  }

  /**
   * One decision with its full explanation, if stored: by its decision id, or by the explanation
   * reference the decision record and the ESP call carry ({@code sendflowr_explanation_ref}).
   */
  public Optional<JsonNode> decision(String decisionId) {
    String id = checkedId("decision_id", decisionId);
    String columns = SUMMARY_COLUMNS + ", context_weights, explanation";
    List<JsonNode> rows = select(columns, "decision_id", id, " LIMIT 1");
    if (rows.isEmpty()) {
      rows = select(columns, "explanation_ref", id, " LIMIT 1");
    }
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    JsonNode row = rows.get(0);
    ObjectNode out = summary(row);
    out.set("context_weights", parseJson(row.path("context_weights").asText(null)));
    out.set("explanation", parseJson(row.path("explanation").asText(null)));
    out.set("dispatch", dispatchOf(row.path("request_id").asText()));
    return Optional.of(out);
  }

  /**
   * The request's dispatch outcomes, every decision version's, in the order they happened: fired
   * when, to which ESP and binding, accepted or why not. Null when the store has no dispatch log
   * (an older store): the explanation is still shown.
   */
  private JsonNode dispatchOf(String requestId) {
    List<JsonNode> rows;
    try {
      rows =
          select(
              AuditTables.DISPATCH_LOG,
              OUTCOME_COLUMNS,
              "request_id",
              requestId,
              " ORDER BY fired_at_ms, decision_version");
    } catch (ApiException unavailable) {
      return null;
    }
    var out = Contracts.mapper().createArrayNode();
    for (JsonNode r : rows) {
      ObjectNode o = out.addObject();
      for (String f :
          List.of(
              "outcome_id",
              "decision_id",
              "binding_id",
              "esp",
              "esp_campaign_id",
              "esp_response_id",
              "state",
              "detail")) {
        o.put(f, r.path(f).asText(""));
      }
      o.put("decision_version", r.path("decision_version").asLong());
      o.put("attempts", r.path("attempts").asLong());
      JsonNode status = r.path("esp_status");
      if (status.isNull() || status.isMissingNode() || status.asText().isEmpty()) {
        o.putNull("esp_status");
      } else {
        o.put("esp_status", status.asInt());
      }
      o.put(
          "trigger_timestamp_utc",
          Instant.ofEpochMilli(r.path("trigger_timestamp_ms").asLong()).toString());
      o.put("fired_at", Instant.ofEpochMilli(r.path("fired_at_ms").asLong()).toString());
      o.put("lateness_millis", r.path("lateness_millis").asLong());
    }
    return out;
  }

  /**
   * What an operator checks first: over the window, decisions by intent and status, dispatch
   * outcomes by intent, ESP and state, dead letters by stage and reason. A section is null when its
   * table is missing from the store (an older store).
   */
  public JsonNode overview(Duration window) {
    long since = Instant.now().minus(window).toEpochMilli();
    ObjectNode out = Contracts.mapper().createObjectNode();
    out.put("since", Instant.ofEpochMilli(since).toString());
    out.set("decisions", counts(TABLE, List.of("intent_id", "status"), "created_at_ms", since));
    out.set(
        "outcomes",
        counts(
            AuditTables.DISPATCH_LOG, List.of("intent_id", "esp", "state"), "fired_at_ms", since));
    out.set(
        "dead_letters",
        counts(AuditTables.DEAD_LETTERS, List.of("stage", "reason"), "rejected_at_ms", since));
    return out;
  }

  /** Rows counted by {@code groups} since {@code sinceMs}, largest group first; null if absent. */
  private JsonNode counts(String table, List<String> groups, String timeColumn, long sinceMs) {
    String by = String.join(", ", groups);
    List<JsonNode> rows;
    try {
      if (jdbcUrl != null) {
        rows =
            selectJdbc(
                "SELECT "
                    + by
                    + ", COUNT(*) AS n FROM "
                    + table
                    + " WHERE "
                    + timeColumn
                    + " >= ? GROUP BY "
                    + by
                    + " ORDER BY n DESC, "
                    + by,
                ps -> ps.setLong(1, sinceMs));
      } else {
        rows =
            query(
                "SELECT "
                    + by
                    + ", count() AS n FROM "
                    + database
                    + "."
                    + table
                    + " FINAL WHERE "
                    + timeColumn
                    + " >= "
                    + sinceMs
                    + " GROUP BY "
                    + by
                    + " ORDER BY n DESC, "
                    + by
                    + " FORMAT JSON");
      }
    } catch (ApiException unavailable) {
      return null;
    }
    var out = Contracts.mapper().createArrayNode();
    for (JsonNode r : rows) {
      ObjectNode o = out.addObject();
      groups.forEach(g -> o.put(g, r.path(g).asText("")));
      o.put("count", Long.parseLong(r.path("n").asText("0")));
    }
    return out;
  }

  private static String checkedId(String field, String id) {
    if (id == null || id.isEmpty()) {
      throw ApiException.invalid(field, "is required");
    }
    if (id.length() > MAX_ID_LENGTH || !id.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
      throw ApiException.invalid(
          field, "must be at most " + MAX_ID_LENGTH + " characters, without control characters");
    }
    return id;
  }

  /** A ClickHouse string literal: backslashes and quotes escaped, nothing else can end it. */
  static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** Typed as the API shows it: 64-bit integers arrive quoted from ClickHouse's JSON output. */
  private static ObjectNode summary(JsonNode row) {
    ObjectNode o = Contracts.mapper().createObjectNode();
    for (String f :
        List.of(
            "decision_id",
            "explanation_ref",
            "request_id",
            "intent_id",
            "universal_id",
            "status",
            "latency_source",
            "model_version")) {
      o.put(f, row.path(f).asText());
    }
    o.put("decision_version", row.path("decision_version").asLong());
    o.put("created_at", Instant.ofEpochMilli(row.path("created_at_ms").asLong()).toString());
    o.put("target_minute_utc", row.path("target_minute_utc").asInt());
    o.put(
        "trigger_timestamp_utc",
        Instant.ofEpochMilli(row.path("trigger_timestamp_ms").asLong()).toString());
    o.put("latency_estimate_seconds", row.path("latency_estimate_seconds").asDouble());
    o.put("confidence_score", row.path("confidence_score").asDouble());
    o.put("suppressed", row.path("suppressed").asInt() != 0);
    return o;
  }

  private static JsonNode parseJson(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Contracts.mapper().readTree(text);
    } catch (IOException e) {
      return Contracts.mapper().getNodeFactory().textNode(text);
    }
  }

  /** Rows of the explanations where {@code column} equals {@code value}. */
  private List<JsonNode> select(String columns, String column, String value, String tail) {
    return select(TABLE, columns, column, value, tail);
  }

  /** Rows where {@code column} equals {@code value}, as JSON objects keyed by column name. */
  private List<JsonNode> select(
      String table, String columns, String column, String value, String tail) {
    if (jdbcUrl != null) {
      return selectJdbc(
          "SELECT " + columns + " FROM " + table + " WHERE " + column + " = ?" + tail, value);
    }
    // FINAL: one row per key, its latest version (the tables are ReplacingMergeTrees).
    return query(
        "SELECT "
            + columns
            + " FROM "
            + database
            + "."
            + table
            + " FINAL WHERE "
            + column
            + " = "
            + literal(value)
            + tail
            + " FORMAT JSON");
  }

  private List<JsonNode> selectJdbc(String sql, String value) {
    return selectJdbc(sql, ps -> ps.setString(1, value));
  }

  /** Binds a query's parameters. */
  @FunctionalInterface
  private interface Params {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private List<JsonNode> selectJdbc(String sql, Params params) {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        PreparedStatement ps = c.prepareStatement(sql)) {
      params.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        List<JsonNode> rows = new ArrayList<>();
        while (rs.next()) {
          ObjectNode row = Contracts.mapper().createObjectNode();
          for (int i = 1; i <= md.getColumnCount(); i++) {
            Object v = rs.getObject(i);
            row.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), v == null ? null : v.toString());
          }
          rows.add(row);
        }
        return rows;
      }
    } catch (SQLException e) {
      LOG.warn("explanation store query failed: {}", e.toString());
      throw unavailable("the explanation store cannot be read");
    }
  }

  private List<JsonNode> query(String sql) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    url + "/?database=" + URLEncoder.encode(database, StandardCharsets.UTF_8)))
            .timeout(Duration.ofSeconds(15))
            .POST(HttpRequest.BodyPublishers.ofString(sql))
            .build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        LOG.warn("explanation query failed: {} {}", r.statusCode(), firstLine(r.body()));
        throw unavailable("the explanation store answered " + r.statusCode());
      }
      List<JsonNode> rows = new ArrayList<>();
      Contracts.mapper().readTree(r.body()).path("data").forEach(rows::add);
      return rows;
    } catch (IOException e) {
      LOG.warn("explanation store unreachable: {}", e.toString());
      throw unavailable("the explanation store cannot be reached");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("interrupted");
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static ApiException unavailable(String message) {
    return new ApiException(503, "explanations_unavailable", message);
  }
}
