package com.sendflowr.explanations;

import com.sendflowr.flink.Backoff;
import java.time.Duration;

/**
 * Where and how the loader writes explanation rows.
 *
 * @param jdbcUrl ClickHouse ({@code jdbc:clickhouse:...}, with {@code compress=false} for 18.x) or
 *     H2 ({@code jdbc:h2:...}, the local store)
 * @param batchSize rows per INSERT at most
 * @param flushInterval how long a row may wait for a full batch
 * @param backoff waits between attempts while the store is unavailable; attempts never stop
 */
public record StoreOptions(
    String jdbcUrl,
    String user,
    String password,
    int batchSize,
    Duration flushInterval,
    Backoff backoff) {

  public static final int DEFAULT_BATCH_SIZE = 1_000;
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(500);
  public static final Backoff DEFAULT_BACKOFF =
      new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));

  public StoreOptions {
    StoreTable.driverFor(jdbcUrl); // fails at submission on an unsupported store
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1 but was " + batchSize);
    }
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("flush interval must be positive: " + flushInterval);
    }
  }

  /** The store at {@code jdbcUrl} with the default batching and backoff. */
  public static StoreOptions of(String jdbcUrl, String user, String password) {
    return new StoreOptions(
        jdbcUrl, user, password, DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL, DEFAULT_BACKOFF);
  }

  /** Never shows the password, so logging the options is safe. */
  @Override
  public String toString() {
    return "StoreOptions[jdbcUrl="
        + jdbcUrl
        + ", user="
        + user
        + ", password="
        + (password == null || password.isEmpty() ? "(none)" : "(set)")
        + ", batchSize="
        + batchSize
        + ", flushInterval="
        + flushInterval
        + ", backoff="
        + backoff
        + "]";
  }
}
