package com.sendflowr.testkit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A real ClickHouse server for tests.
 *
 * <p>Usage: {@code @RegisterExtension static final ClickHouseExtension CLICKHOUSE = new
 * ClickHouseExtension();}. When {@code SENDFLOWR_CLICKHOUSE_HTTP_URL} is set (environment or system
 * property, as written by {@code scripts/clickhouse.sh start}), that server is used; otherwise one
 * is started for the test class through {@code scripts/clickhouse.sh} with free ports and stopped
 * afterwards. Use {@link #freshDatabase()} so tests never see each other's tables. A test that
 * stops the server uses {@link #privateServer()}, which always starts its own.
 *
 * <p>Reads go over the HTTP interface: the official JDBC driver (0.10.x) can write to the
 * ClickHouse 18.16 that Debian ships but cannot read from it.
 */
public final class ClickHouseExtension extends ScriptedServer {

  public static final String HTTP_URL_VARIABLE = "SENDFLOWR_CLICKHOUSE_HTTP_URL";
  public static final String JDBC_URL_VARIABLE = "SENDFLOWR_CLICKHOUSE_JDBC_URL";

  private static final Pattern HAS_FORMAT =
      Pattern.compile("\\bFORMAT\\s+\\w+\\s*;?\\s*$", Pattern.CASE_INSENSITIVE);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final List<String> createdDatabases = new CopyOnWriteArrayList<>();

  public ClickHouseExtension() {
    super("clickhouse");
  }

  private ClickHouseExtension(boolean alwaysPrivate) {
    super("clickhouse", alwaysPrivate);
  }

  /**
   * A server of the test class's own, started even when a shared one is configured, which the test
   * may stop and restart ({@link #stopServerKeepingData()}, {@link #restartServer()}).
   */
  public static ClickHouseExtension privateServer() {
    return new ClickHouseExtension(true);
  }

  @Override
  String externalMarkerVariable() {
    return HTTP_URL_VARIABLE;
  }

  @Override
  Map<String, String> privateServerEnv() {
    return Map.of(
        "SENDFLOWR_CLICKHOUSE_HTTP_PORT", String.valueOf(ServiceScripts.freePort()),
        "SENDFLOWR_CLICKHOUSE_TCP_PORT", String.valueOf(ServiceScripts.freePort()));
  }

  @Override
  Map<String, String> externalSettings() {
    String httpUrl = stripSlash(ServiceScripts.setting(HTTP_URL_VARIABLE));
    String jdbcUrl = ServiceScripts.setting(JDBC_URL_VARIABLE);
    if (jdbcUrl == null) {
      jdbcUrl =
          "jdbc:clickhouse://" + URI.create(httpUrl).getAuthority() + "/default?compress=false";
    }
    return Map.of(HTTP_URL_VARIABLE, httpUrl, JDBC_URL_VARIABLE, jdbcUrl);
  }

  @Override
  void connected(Map<String, String> settings) {
    String answer;
    try {
      answer = get(httpUrl() + "/ping");
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "ClickHouse does not answer at " + httpUrl() + ". " + manualHint(), e);
    }
    if (!answer.trim().equals("Ok.")) {
      throw new IllegalStateException("Unexpected ClickHouse ping answer: " + answer);
    }
  }

  @Override
  void cleanUp() {
    for (String database : createdDatabases) {
      try {
        execute("DROP DATABASE IF EXISTS " + database);
      } catch (RuntimeException e) {
        // Best effort: a private server is deleted anyway, an external one keeps a stray database.
      }
    }
    createdDatabases.clear();
  }

  /** E.g. {@code http://127.0.0.1:18123}, without a trailing slash. */
  public String httpUrl() {
    return stripSlash(settings().get(HTTP_URL_VARIABLE));
  }

  /** JDBC URL of the {@code default} database, with {@code compress=false} (needed by 18.16). */
  public String jdbcUrl() {
    return settings().get(JDBC_URL_VARIABLE);
  }

  /**
   * JDBC URL whose default database is {@code database}, with {@code compress=false}. The driver
   * sends the path's database in a header that ClickHouse 18.16 ignores, so the URL also passes it
   * as the HTTP {@code database} parameter, which every server version honours. Qualifying table
   * names ({@code db.table}) works as well.
   */
  public String jdbcUrl(String database) {
    return "jdbc:clickhouse://"
        + URI.create(httpUrl()).getAuthority()
        + "/"
        + database
        + "?compress=false&clickhouse_setting_database="
        + database;
  }

  /**
   * Creates a database with a unique name (dropped again after the test class) and returns the
   * name.
   */
  public String freshDatabase() {
    String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute("CREATE DATABASE " + name);
    createdDatabases.add(name);
    return name;
  }

  /** Runs a statement that returns no rows (DDL, INSERT ... VALUES / FORMAT ...) over HTTP. */
  public void execute(String sql) {
    post(null, sql);
  }

  /** As {@link #execute(String)}, with {@code database} as the default database. */
  public void execute(String database, String sql) {
    post(database, sql);
  }

  /**
   * Runs a SELECT over HTTP and returns its rows as maps in column order. The query must not carry
   * its own FORMAT clause; {@code FORMAT JSONEachRow} is added. As in ClickHouse's JSON output,
   * 64-bit integers come back as strings and DateTime values as {@code yyyy-MM-dd HH:mm:ss}.
   */
  public List<Map<String, Object>> query(String sql) {
    return query(null, sql);
  }

  /** As {@link #query(String)}, with {@code database} as the default database. */
  public List<Map<String, Object>> query(String database, String sql) {
    String trimmed = sql.trim();
    if (trimmed.endsWith(";")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    if (HAS_FORMAT.matcher(trimmed).find()) {
      throw new IllegalArgumentException("query() adds FORMAT JSONEachRow itself: " + sql);
    }
    String body = post(database, trimmed + " FORMAT JSONEachRow");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        rows.add(
            JSON.readValue(line, new TypeReference<java.util.LinkedHashMap<String, Object>>() {}));
      } catch (IOException e) {
        throw new UncheckedIOException("Unexpected ClickHouse output line: " + line, e);
      }
    }
    return rows;
  }

  /** The single value of a one-row, one-column query, e.g. {@code SELECT count() FROM t}. */
  public Object queryValue(String sql) {
    List<Map<String, Object>> rows = query(sql);
    if (rows.size() != 1 || rows.get(0).size() != 1) {
      throw new AssertionError(
          "Expected one row with one column from '" + sql + "' but got " + rows);
    }
    return rows.get(0).values().iterator().next();
  }

  /** Like {@link #queryValue(String)} for counts (ClickHouse returns UInt64 as a string). */
  public long queryLong(String sql) {
    return Long.parseLong(String.valueOf(queryValue(sql)));
  }

  private String post(String database, String sql) {
    String url = httpUrl() + "/";
    if (database != null) {
      url += "?database=" + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> response = send(request);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "ClickHouse rejected ("
              + response.statusCode()
              + "): "
              + abbreviate(sql)
              + "\n"
              + response.body().trim());
    }
    return response.body();
  }

  private String get(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build()).body();
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot reach ClickHouse at " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String abbreviate(String sql) {
    String oneLine = sql.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= 500 ? oneLine : oneLine.substring(0, 500) + "...";
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @Override
  public String toString() {
    return "ClickHouse at " + settings().get(HTTP_URL_VARIABLE).toLowerCase(Locale.ROOT);
  }
}
