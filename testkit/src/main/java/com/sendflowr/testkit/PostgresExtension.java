package com.sendflowr.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real PostgreSQL server for tests.
 *
 * <p>Usage: {@code @RegisterExtension static final PostgresExtension POSTGRES = new
 * PostgresExtension();}. When {@code SENDFLOWR_POSTGRES_JDBC_URL} is set (environment or system
 * property, as written by {@code scripts/postgres.sh start}), that server is used; otherwise one is
 * started for the test class through {@code scripts/postgres.sh} on a free port and stopped
 * afterwards. Use {@link #freshDatabase()} so tests never see each other's tables.
 */
public final class PostgresExtension extends ScriptedServer {

  public static final String JDBC_URL_VARIABLE = "SENDFLOWR_POSTGRES_JDBC_URL";
  public static final String USER_VARIABLE = "SENDFLOWR_POSTGRES_USER";
  public static final String PASSWORD_VARIABLE = "SENDFLOWR_POSTGRES_PASSWORD";

  private final List<String> createdDatabases = new CopyOnWriteArrayList<>();

  public PostgresExtension() {
    super("postgres");
  }

  @Override
  String externalMarkerVariable() {
    return JDBC_URL_VARIABLE;
  }

  @Override
  Map<String, String> privateServerEnv() {
    return Map.of("SENDFLOWR_POSTGRES_PORT", String.valueOf(ServiceScripts.freePort()));
  }

  @Override
  Map<String, String> externalSettings() {
    String user = ServiceScripts.setting(USER_VARIABLE);
    String password = ServiceScripts.setting(PASSWORD_VARIABLE);
    return Map.of(
        JDBC_URL_VARIABLE, ServiceScripts.setting(JDBC_URL_VARIABLE),
        USER_VARIABLE, user == null ? "postgres" : user,
        PASSWORD_VARIABLE, password == null ? "" : password);
  }

  @Override
  void connected(Map<String, String> settings) {
    try (Connection c = connect(jdbcUrl())) {
      if (!c.isValid(10)) {
        throw new IllegalStateException("PostgreSQL connection is not valid");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL does not accept connections at " + jdbcUrl() + ". " + manualHint(), e);
    }
  }

  @Override
  void cleanUp() {
    for (String database : createdDatabases) {
      try (Connection c = connect(jdbcUrl());
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      } catch (SQLException e) {
        // Best effort: a private server is deleted anyway, an external one keeps a stray database.
      }
    }
    createdDatabases.clear();
  }

  /** JDBC URL of the server's {@code postgres} database. */
  public String jdbcUrl() {
    return settings().get(JDBC_URL_VARIABLE);
  }

  public String user() {
    return settings().get(USER_VARIABLE);
  }

  public String password() {
    return settings().get(PASSWORD_VARIABLE);
  }

  /**
   * Creates an empty database with a unique name (dropped again after the test class) and returns
   * its JDBC URL; connect with {@link #user()} / {@link #password()}.
   */
  public String freshDatabase() {
    String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = connect(jdbcUrl());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot create database " + name, e);
    }
    createdDatabases.add(name);
    return withDatabase(jdbcUrl(), name);
  }

  /** A new connection to {@code url} with this server's credentials; the caller closes it. */
  public Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, user(), password());
  }

  static String withDatabase(String url, String database) {
    int query = url.indexOf('?');
    String base = query < 0 ? url : url.substring(0, query);
    String params = query < 0 ? "" : url.substring(query);
    int slash = base.indexOf('/', "jdbc:postgresql://".length());
    String server = slash < 0 ? base : base.substring(0, slash);
    return server + "/" + database + params;
  }
}
