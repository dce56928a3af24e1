package com.sendflowr.explanations;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects rows into batches and writes each batch through a JdbcSink writer until the store takes
 * it. A failure discards that writer and its connection, waits ({@link RetryingJdbcSink.Settings
 * #backoff()}) and tries the whole batch again with a fresh writer; rows the store had already
 * taken come again, which the table's dedup absorbs. Only an interrupt, meaning Flink cancels the
 * task, ends the retrying.
 *
 * <p>While it retries, the task thread waits here: the Kafka source behind it stops reading and no
 * checkpoint completes, so no offset is committed past a row that is not in the store. A restart at
 * any point reads those rows again.
 */
final class RetryingJdbcWriter<T> implements SinkWriter<T> {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingJdbcWriter.class);

  /** How often a lasting outage is logged again, after the first failure. */
  static final Duration REMINDER_INTERVAL = Duration.ofMinutes(1);

  private static final Context NO_CONTEXT =
      new Context() {
        @Override
        public long currentWatermark() {
          return Long.MIN_VALUE;
        }

        @Override
        public Long timestamp() {
          return null;
        }
      };

  /** Where batches go: a fresh JdbcSink writer per attempt after a failure. */
  interface Store<T> {
    SinkWriter<T> open() throws IOException;

    /** Closes the connection a failed writer leaves behind, so the next writer opens its own. */
    void dropConnection();
  }

  private final Store<T> store;
  private final RetryingJdbcSink.Settings settings;
  private final ProcessingTimeService time;
  private final RandomGenerator random = new SplittableRandom();
  private final List<T> batch = new ArrayList<>();
  private final Counter failedAttempts;
  private volatile boolean storeUnavailable;
  private SinkWriter<T> writer;
  private boolean flushScheduled;
  private boolean closed;

  RetryingJdbcWriter(
      Store<T> store,
      RetryingJdbcSink.Settings settings,
      ProcessingTimeService time,
      SinkWriterMetricGroup metrics) {
    this.store = store;
    this.settings = settings;
    this.time = time;
    this.failedAttempts = metrics.counter("storeFailedAttempts");
    metrics.gauge("storeUnavailable", () -> storeUnavailable ? 1 : 0);
  }

  @Override
  public void write(T row, Context context) throws InterruptedException {
    batch.add(row);
    if (batch.size() >= settings.batchSize()) {
      writeBatch();
    } else if (!flushScheduled) {
      flushScheduled = true;
      time.registerTimer(
          time.getCurrentProcessingTime() + settings.flushInterval().toMillis(), this::onTimer);
    }
  }

  private void onTimer(long timestamp) throws InterruptedException {
    flushScheduled = false;
    if (!closed) {
      writeBatch();
    }
  }

  /** Before every checkpoint barrier and at the end of input: all rows so far are stored. */
  @Override
  public void flush(boolean endOfInput) throws InterruptedException {
    writeBatch();
  }

  private void writeBatch() throws InterruptedException {
    if (batch.isEmpty()) {
      return;
    }
    int failures = 0;
    long lastReport = 0;
    while (true) {
      try {
        if (writer == null) {
          writer = store.open();
        }
        for (T row : batch) {
          writer.write(row, NO_CONTEXT);
        }
        writer.flush(false);
        break;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (Thread.currentThread().isInterrupted()) {
          // Cancelled while inside the driver, which reported the interrupt as an I/O error.
          throw new InterruptedException("cancelled while writing to the explanation store");
        }
        failures++;
        failedAttempts.inc();
        storeUnavailable = true;
        discardWriter();
        long now = System.currentTimeMillis();
        if (failures == 1 || now - lastReport >= REMINDER_INTERVAL.toMillis()) {
          LOG.warn(
              "explanation store unavailable ({} failed attempt(s)), {} row(s) wait, retrying"
                  + " every {} at most: {}",
              failures,
              batch.size(),
              settings.backoff().max(),
              summary(e));
          lastReport = now;
        }
        Thread.sleep(settings.backoff().delay(failures, random).toMillis());
      }
    }
    if (failures > 0) {
      LOG.info(
          "explanation store is back after {} failed attempt(s); {} row(s) written",
          failures,
          batch.size());
      storeUnavailable = false;
    }
    batch.clear();
  }

  /**
   * A writer that failed is never reused: the JdbcSink keeps the failure (and the broken
   * connection) and would fail again. Its close flushes the failed rows once more and may throw.
   */
  private void discardWriter() {
    SinkWriter<T> failed = writer;
    writer = null;
    try {
      if (failed != null) {
        failed.close();
      }
    } catch (Exception e) {
      LOG.debug("closing a failed store writer: {}", summary(e));
    }
    try {
      store.dropConnection();
    } catch (RuntimeException e) {
      LOG.debug("dropping a failed store connection: {}", summary(e));
    }
  }

  /**
   * Never throws: Flink calls this while cancelling or failing the task too, and an exception here
   * takes the whole TaskManager down. Rows not yet written are read again from Kafka after a
   * restart, because no checkpoint covered them.
   */
  @Override
  public void close() {
    closed = true;
    SinkWriter<T> open = writer;
    writer = null;
    Exception failure = null;
    try {
      if (open != null) {
        open.close();
      }
    } catch (Exception e) {
      failure = e;
    }
    try {
      store.dropConnection();
    } catch (RuntimeException e) {
      failure = failure == null ? e : failure;
    }
    if (failure != null) {
      LOG.warn(
          "closing the explanation store writer failed ({} unwritten row(s) are read again from"
              + " Kafka after a restart): {}",
          batch.size(),
          summary(failure));
    }
  }

  /** The failure and its root cause, without a stack: an outage logs one line per report. */
  static String summary(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    return root == e
        ? text
        : text + " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }
}
