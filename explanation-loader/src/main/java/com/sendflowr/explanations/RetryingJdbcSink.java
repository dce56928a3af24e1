package com.sendflowr.explanations;

import com.sendflowr.flink.Backoff;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.datasource.connections.JdbcConnectionProvider;

/**
 * flink-connector-jdbc's at-least-once {@link JdbcSink}, made to outlast a store outage: {@link
 * RetryingJdbcWriter} batches rows itself, hands each batch to a JdbcSink writer, and when the
 * store fails it throws that writer away and tries again with a fresh one, without end, until the
 * batch is written. No exception leaves its {@code close}.
 *
 * <p>Why not the JdbcSink alone: its retries are bounded, it gives up at once when a reconnect
 * fails, it remembers a failed background flush forever, and its writer's {@code close} flushes and
 * rethrows, which Flink treats as a failure of the task's cleanup.
 *
 * @param <T> an immutable row type: batched rows are kept by reference until written
 */
public final class RetryingJdbcSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;

  /**
   * What the wrapped JdbcSink writer is built with: batching and retrying are the wrapper's, so the
   * delegate never flushes on its own (no size trigger, no background thread) and makes exactly one
   * attempt per flush.
   */
  static final JdbcExecutionOptions DELEGATE_EXECUTION =
      JdbcExecutionOptions.builder()
          .withBatchSize(Integer.MAX_VALUE)
          .withBatchIntervalMs(0)
          .withMaxRetries(0)
          .build();

  /**
   * @param batchSize rows per write at most
   * @param flushInterval how long a row may wait for a full batch
   * @param backoff waits between attempts on a failing store
   */
  public record Settings(int batchSize, Duration flushInterval, Backoff backoff)
      implements Serializable {}

  private final JdbcSink<T> jdbc;
  private final JdbcConnectionProvider connections;
  private final Settings settings;

  /**
   * @param jdbc built with {@link #DELEGATE_EXECUTION} on {@code connections}
   * @param connections the JdbcSink's own provider, so a failed connection is dropped and not
   *     reused by the next writer (Java serialisation keeps the two references one object)
   */
  public RetryingJdbcSink(JdbcSink<T> jdbc, JdbcConnectionProvider connections, Settings settings) {
    this.jdbc = jdbc;
    this.connections = connections;
    this.settings = settings;
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
    RetryingJdbcWriter.Store<T> store =
        new RetryingJdbcWriter.Store<>() {
          @Override
          public SinkWriter<T> open() throws IOException {
            return jdbc.createWriter(context);
          }

          @Override
          public void dropConnection() {
            connections.closeConnection();
          }
        };
    return new RetryingJdbcWriter<>(
        store, settings, context.getProcessingTimeService(), context.metricGroup());
  }
}
