package com.sendflowr.configservice;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The config database: PostgreSQL in production, H2 (PostgreSQL mode) locally, one set of Flyway
 * migrations for both. Every statement of the service is a prepared statement.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Connects and applies pending migrations.
   *
   * @param jdbcUrl {@code jdbc:postgresql://...} or {@code jdbc:h2:...}
   */
  public static Database open(String jdbcUrl, String user, String password) {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(h2Settings(jdbcUrl));
    if (user != null) {
      c.setUsername(user);
    }
    if (password != null) {
      c.setPassword(password);
    }
    c.setMaximumPoolSize(8);
    c.setPoolName("config-db");
    c.setAutoCommit(true);
    HikariDataSource ds = new HikariDataSource(c);
    try {
      Flyway.configure()
          .dataSource(ds)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      ds.close();
      throw e;
    }
    return new Database(ds);
  }

  /**
   * H2 runs in PostgreSQL mode, and waits for row locks as long as PostgreSQL would (its default
   * lock timeout of one second would fail concurrent edits that merely queue behind each other).
   */
  static String h2Settings(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:h2:")) {
      return jdbcUrl;
    }
    StringBuilder url = new StringBuilder(jdbcUrl);
    String upper = jdbcUrl.toUpperCase(java.util.Locale.ROOT);
    if (!upper.contains(";MODE=")) {
      url.append(";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    }
    if (!upper.contains(";LOCK_TIMEOUT=")) {
      url.append(";LOCK_TIMEOUT=30000");
    }
    return url.toString();
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Work on one connection inside one transaction, committed when {@code work} returns. */
  public <T> T inTransaction(SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("config database error: " + e.getMessage(), e);
    }
  }

  /** Reads outside a transaction (each statement sees committed data). */
  public <T> T read(SqlWork<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new IllegalStateException("config database error: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }

  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }
}
