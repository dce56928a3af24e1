package com.sendflowr.explanations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.flink.Backoff;
import com.sendflowr.flink.JsonRecordSerializer;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperatorFactory;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store sink in Flink's sink writer operator (test harness), against a real H2 server that the
 * test stops and starts, and against a ClickHouse address where nothing listens.
 */
class RetryingJdbcSinkTest {
  private static final Backoff FAST = new Backoff(Duration.ofMillis(20), Duration.ofMillis(200));
  private static final Duration INTERVAL = Duration.ofMillis(500);

  private final String database = "loader-" + UUID.randomUUID();
  private Connection embedded; // keeps the in-memory database alive while its server is down
  private Server server;
  private int port;

  @BeforeEach
  void startStore() throws Exception {
    embedded = DriverManager.getConnection("jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1");
    try (Statement st = embedded.createStatement()) {
      st.execute(ExplanationStore.H2_DDL);
    }
    port = freePort();
    startServer();
  }

  @AfterEach
  void stopStore() throws Exception {
    server.stop();
    embedded.close();
  }

  private void startServer() throws Exception {
    server = Server.createTcpServer("-tcpPort", String.valueOf(port)).start();
  }

  private String url() {
    return "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:" + database;
  }

  private static OneInputStreamOperatorTestHarness<ExplanationRow, CommittableMessage<Object>>
      harness(String jdbcUrl, int batchSize) throws Exception {
    StoreOptions store = new StoreOptions(jdbcUrl, null, null, batchSize, INTERVAL, FAST);
    OneInputStreamOperatorTestHarness<ExplanationRow, CommittableMessage<Object>> harness =
        new OneInputStreamOperatorTestHarness<>(
            new SinkWriterOperatorFactory<>(ExplanationStore.sink(store)),
            new JsonRecordSerializer<>(ExplanationRow.class));
    harness.open();
    return harness;
  }

  private long storedRows() throws Exception {
    try (Statement st = embedded.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + ExplanationStore.TABLE)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static ExplanationRow row(int i) {
    return ExplanationStoreTest.row("req-" + i, 1);
  }

  @Test
  void aFullBatchIsWrittenAtOnce() throws Exception {
    var harness = harness(url(), 3);
    harness.processElement(row(1), 1);
    harness.processElement(row(2), 2);
    assertThat(storedRows()).isZero();
    harness.processElement(row(3), 3);
    assertThat(storedRows()).isEqualTo(3);
    harness.close();
  }

  @Test
  void rowsWaitingForABatchAreWrittenOnceTheFlushIntervalPasses() throws Exception {
    var harness = harness(url(), 100);
    harness.setProcessingTime(1_000);
    harness.processElement(row(1), 1);
    harness.setProcessingTime(1_000 + INTERVAL.toMillis() - 1);
    assertThat(storedRows()).isZero();
    harness.setProcessingTime(1_000 + INTERVAL.toMillis());
    assertThat(storedRows()).isEqualTo(1);
    harness.close();
  }

  @Test
  void aCheckpointAndTheEndOfInputWriteEverythingBeforeThem() throws Exception {
    var harness = harness(url(), 100);
    harness.processElement(row(1), 1);
    harness.prepareSnapshotPreBarrier(1);
    assertThat(storedRows()).isEqualTo(1);
    harness.processElement(row(2), 2);
    harness.endInput();
    assertThat(storedRows()).isEqualTo(2);
    harness.close();
  }

  @Test
  void aBatchWaitsOutAStoreOutageAndThenArrivesOnce() throws Exception {
    var harness = harness(url(), 4);
    harness.processElement(row(1), 1); // the writer is connected before the outage
    harness.prepareSnapshotPreBarrier(1);
    server.stop();

    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread task =
        new Thread(
            () -> {
              try {
                for (int i = 2; i <= 5; i++) {
                  harness.processElement(row(i), i);
                }
              } catch (Throwable e) {
                failed.set(e);
              }
            });
    task.start();
    // More failed attempts than a plain JdbcSink makes before it gives up (its maxRetries).
    for (int attempt = 0; attempt < 8; attempt++) {
      awaitBackingOff(task);
    }
    assertThat(storedRows()).isEqualTo(1);

    startServer();
    task.join(30_000);
    assertThat(task.isAlive()).as("the batch is written once the store is back").isFalse();
    assertThat(failed.get()).isNull();
    assertThat(storedRows()).isEqualTo(5);
    assertThatCode(harness::close).doesNotThrowAnyException();
  }

  @Test
  void closeNeverThrowsWhenTheTaskIsCancelledDuringAnOutage() throws Exception {
    var harness = harness(url(), 2);
    harness.processElement(row(1), 1);
    harness.processElement(row(2), 2); // the writer holds a live connection
    server.stop();
    harness.processElement(row(3), 3);

    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread task =
        new Thread(
            () -> {
              try {
                harness.processElement(row(4), 4);
              } catch (Throwable e) {
                failed.set(e);
              }
            });
    task.start();
    // What Flink does to cancel a task: interrupt it, and again every so often while it lives
    // (an interrupt that lands inside the driver may be swallowed there).
    for (int i = 0; i < 10 && task.isAlive(); i++) {
      awaitBackingOff(task);
      task.interrupt();
      task.join(3_000);
    }
    assertThat(task.isAlive()).as("the task ended").isFalse();
    assertThat(failed.get())
        .as("cancellation ends the retrying")
        .isInstanceOf(InterruptedException.class);

    assertThatCode(harness::close).doesNotThrowAnyException();
    assertThat(storedRows()).isEqualTo(2);
  }

  @Test
  void closeNeverThrowsWithRowsPendingForAStoreThatNeverAnswered() throws Exception {
    String nobodyListens = "jdbc:clickhouse://127.0.0.1:" + freePort() + "/default?compress=false";
    var harness = harness(nobodyListens, 100);
    harness.processElement(row(1), 1);
    harness.processElement(row(2), 2);
    assertThatCode(harness::close).doesNotThrowAnyException();
  }

  /** Waits until the task thread sleeps between attempts, which it does only after a failure. */
  private static void awaitBackingOff(Thread task) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    while (backingOff(task)) {
      Thread.sleep(1); // leave the current back-off, to see the next one
    }
    while (!backingOff(task)) {
      assertThat(task.isAlive()).as("the task still retries").isTrue();
      assertThat(Instant.now()).as("the task backs off").isBefore(deadline);
      Thread.sleep(1);
    }
  }

  /**
   * Whether the task sleeps in the writer's back-off, not in a timed wait inside the driver (an
   * interrupt there is the driver's to report, and some drivers swallow it).
   */
  private static boolean backingOff(Thread task) {
    if (task.getState() != Thread.State.TIMED_WAITING) {
      return false;
    }
    boolean sleeping = false;
    for (StackTraceElement frame : task.getStackTrace()) {
      if (frame.getClassName().equals(Thread.class.getName())) {
        sleeping |= frame.getMethodName().startsWith("sleep");
        continue;
      }
      // The first frame outside Thread is who sleeps: the writer, or a driver.
      return sleeping && frame.getClassName().equals(RetryingJdbcWriter.class.getName());
    }
    return false;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
