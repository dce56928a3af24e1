package com.sendflowr.configservice;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes committed outbox records to the compacted config topic, exactly once and in commit
 * order, catching up on whatever was committed while Kafka was unreachable.
 *
 * <p>Each batch is one Kafka transaction that also commits the batch's last outbox position as the
 * offset of a consumer group no one consumes with ({@code <transactional id>-position}): records
 * and position become visible together or not at all. The position is then copied to the database
 * for operators and the API. After any failure the producer is recreated; initialising it with the
 * same transactional id completes or aborts whatever transaction was in doubt, and the relay
 * resumes after the larger of the two recorded positions. Without the Kafka-side position, a crash
 * between the Kafka commit and the database update would publish the batch twice.
 */
public final class OutboxRelay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

  /** Header carrying the record's outbox position (the commit order). */
  public static final String POSITION_HEADER = "sendflowr-outbox-position";

  static final int BATCH = 500;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  /**
   * @param transactionalId one per config database: two relays of one database fence each other
   *     rather than publish twice
   * @param kafkaTimeout how long one Kafka call may block before the relay backs off and retries
   */
  /**
   * @param retention how long a published outbox row is kept (for audit and debugging) before it is
   *     deleted; unpublished rows are never deleted
   */
  public record Options(
      String bootstrapServers,
      String topic,
      String transactionalId,
      Duration idleInterval,
      Duration kafkaTimeout,
      Duration retention) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    public static Options defaults(String bootstrapServers, String topic) {
      return new Options(
          bootstrapServers,
          topic,
          "sendflowr-config-relay",
          Duration.ofMillis(500),
          Duration.ofSeconds(10),
          DEFAULT_RETENTION);
    }

    public Options withRetention(Duration retention) {
      return new Options(
          bootstrapServers, topic, transactionalId, idleInterval, kafkaTimeout, retention);
    }
  }

  /** How often an idle relay deletes published rows past their retention. */
  static final Duration PRUNE_INTERVAL = Duration.ofMinutes(1);

  private final Database db;
  private final Options options;
  private final Object signal = new Object();
  private final Thread thread;
  private volatile boolean running = true;
  private boolean woken;
  private KafkaProducer<String, String> producer;
  private volatile long published = -1;
  private long lastPrunedNanos = System.nanoTime() - PRUNE_INTERVAL.toNanos();

  public OutboxRelay(Database db, Options options) {
    this.db = db;
    this.options = options;
    this.thread = new Thread(this::run, "config-outbox-relay");
    this.thread.setDaemon(true);
  }

  public OutboxRelay start() {
    thread.start();
    return this;
  }

  /** Called after each commit so new records go out without waiting for the idle interval. */
  public void wakeUp() {
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  private void run() {
    long backoff = 200;
    while (running) {
      try {
        if (producer == null) {
          connect();
        }
        if (publishBatch() == 0) {
          pruneIfDue();
          idle(options.idleInterval().toMillis());
        }
        backoff = 200;
      } catch (KafkaException | IllegalStateException | ExecutionException | TimeoutException e) {
        if (!running) {
          break;
        }
        // Kafka is down or the transaction failed: start over from the recorded positions.
        LOG.warn("config topic publishing paused ({}); retrying in {} ms", describe(e), backoff);
        closeProducer();
        idle(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    closeProducer();
  }

  /** The exception and its causes' messages, one line (outbox records are never part of it). */
  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null && sb.length() < 500; t = t.getCause()) {
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return sb.toString();
  }

  private void connect() throws ExecutionException, TimeoutException, InterruptedException {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, options.transactionalId());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    long timeout = options.kafkaTimeout().toMillis();
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout));
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout / 2));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(Math.max(timeout * 3, 60_000)));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    KafkaProducer<String, String> created = new KafkaProducer<>(p);
    try {
      // Completes or aborts a transaction the previous producer left in doubt.
      created.initTransactions();
      long kafkaPosition = kafkaPosition();
      long dbPosition = dbPublishedPosition();
      published = Math.max(kafkaPosition, dbPosition);
      if (kafkaPosition > dbPosition) {
        recordPublished(kafkaPosition);
      }
      producer = created;
      LOG.info("config topic publishing resumes after outbox position {}", published);
    } catch (ExecutionException | TimeoutException | InterruptedException | RuntimeException e) {
      created.close(Duration.ZERO);
      throw e;
    }
  }

  private int publishBatch() {
    List<String[]> rows = new ArrayList<>();
    db.read(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT position, record_key, record_value FROM outbox WHERE position > ?"
                      + " ORDER BY position LIMIT ?")) {
            ps.setLong(1, published);
            ps.setInt(2, BATCH);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
              }
            }
          }
          return null;
        });
    if (rows.isEmpty()) {
      return 0;
    }
    long last = Long.parseLong(rows.get(rows.size() - 1)[0]);
    producer.beginTransaction();
    for (String[] row : rows) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(new RecordHeader(POSITION_HEADER, row[0].getBytes(StandardCharsets.UTF_8)));
      producer.send(new ProducerRecord<>(options.topic(), null, row[1], row[2], headers));
    }
    producer.sendOffsetsToTransaction(
        Map.of(positionPartition(), new OffsetAndMetadata(last, "outbox position")),
        new ConsumerGroupMetadata(positionGroup()));
    producer.commitTransaction();
    published = last;
    recordPublished(last);
    LOG.debug("published outbox positions up to {} ({} records)", last, rows.size());
    return rows.size();
  }

  /**
   * Deletes published rows older than the retention. The published position is also recorded in
   * Kafka, so a restart after a prune resumes after it and never republishes what is gone.
   */
  private void pruneIfDue() {
    if (System.nanoTime() - lastPrunedNanos < PRUNE_INTERVAL.toNanos() || published < 0) {
      return;
    }
    lastPrunedNanos = System.nanoTime();
    long upTo = published;
    int deleted =
        db.inTransaction(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("DELETE FROM outbox WHERE position <= ? AND created_at < ?")) {
                ps.setLong(1, upTo);
                ps.setObject(
                    2,
                    OffsetDateTime.ofInstant(
                        Instant.now().minus(options.retention()), ZoneOffset.UTC));
                return ps.executeUpdate();
              }
            });
    if (deleted > 0) {
      LOG.info("pruned {} published outbox rows older than {}", deleted, options.retention());
    }
  }

  private long kafkaPosition() throws ExecutionException, TimeoutException, InterruptedException {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    long timeout = options.kafkaTimeout().toMillis();
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout / 2));
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(
                  positionGroup(), new ListConsumerGroupOffsetsOptions().requireStable(true))
              .partitionsToOffsetAndMetadata()
              .get(options.kafkaTimeout().toMillis(), TimeUnit.MILLISECONDS);
      OffsetAndMetadata o = offsets.get(positionPartition());
      return o == null ? 0 : o.offset();
    }
  }

  private long dbPublishedPosition() {
    return db.read(
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT published_position FROM config_state WHERE id = 1");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  private void recordPublished(long position) {
    db.inTransaction(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE config_state SET published_position = ? WHERE id = 1"
                      + " AND published_position < ?")) {
            ps.setLong(1, position);
            ps.setLong(2, position);
            return ps.executeUpdate();
          }
        });
  }

  private TopicPartition positionPartition() {
    return new TopicPartition(options.topic(), 0);
  }

  private String positionGroup() {
    return options.transactionalId() + "-position";
  }

  private void idle(long millis) {
    synchronized (signal) {
      if (!woken && running) {
        try {
          signal.wait(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          running = false;
        }
      }
      woken = false;
    }
  }

  private void closeProducer() {
    if (producer != null) {
      try {
        producer.close(Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.debug("closing the config producer failed", e);
      }
      producer = null;
    }
  }

  /** The last outbox position known to be on the topic (-1 before the first connection). */
  public long publishedPosition() {
    return published;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    wakeUp();
    thread.join(TimeUnit.SECONDS.toMillis(30));
  }
}
