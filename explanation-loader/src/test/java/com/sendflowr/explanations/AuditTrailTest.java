package com.sendflowr.explanations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.contract.Parsed;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.Backoff;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.testkit.ClickHouseExtension;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.testkit.SendFlowrMiniCluster;
import com.sendflowr.timing.job.TimingJob;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audit trail on real components: the timing job and the explanation loader on a Flink
 * MiniCluster at parallelism 2, a real Kafka broker and real ClickHouse. Both jobs run without a
 * restart strategy, so any task failure would end a job and fail the test.
 */
class AuditTrailTest {
  static final int PARALLELISM = 2;

  /**
   * How long ClickHouse stays down under traffic. The issue speaks of about a minute; 30 s already
   * outlasts the JdbcSink's own retries (about 10 s) several times over and lets the loader's
   * checkpoints expire ({@link #LOADER_CHECKPOINT_TIMEOUT}), while keeping CI short.
   */
  static final Duration OUTAGE = Duration.ofSeconds(30);

  /**
   * Shorter than the outage, so the loader's waiting sink makes checkpoints expire, as a long
   * outage does in production with the default 10 minute timeout. The job must ride that out.
   */
  static final Duration LOADER_CHECKPOINT_TIMEOUT = Duration.ofSeconds(8);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final ClickHouseExtension CLICKHOUSE = new ClickHouseExtension();

  /** The outage test stops this one: always the class's own server, never the shared one. */
  @RegisterExtension
  static final ClickHouseExtension OWN_CLICKHOUSE = ClickHouseExtension.privateServer();

  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  private final List<JobClient> jobs = new ArrayList<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
    for (JobClient job : jobs) {
      if (!job.getJobStatus().get().isGloballyTerminalState()) {
        job.cancel().get();
      }
    }
  }

  /** One test's topics. */
  record Topics(String requests, String decisions, String explanations, String deadLetters) {
    static Topics fresh() {
      Topics t =
          new Topics(
              KAFKA.uniqueTopic("send-requests"),
              KAFKA.uniqueTopic("decisions"),
              KAFKA.uniqueTopic("explanations"),
              KAFKA.uniqueTopic("dead-letters"));
      KAFKA.createTopics(t.requests, t.decisions, t.explanations, t.deadLetters);
      return t;
    }
  }

  @Test
  void decisionsAndTheirExplanationRowsAreCommittedTogetherAndLoadedOnce() throws Exception {
    Topics topics = Topics.fresh();
    String db = CLICKHOUSE.freshDatabase();
    CLICKHOUSE.execute(db, ExplanationStore.CLICKHOUSE_DDL);
    startTiming(topics);
    startLoader(topics, CLICKHOUSE.jdbcUrl(db), null);

    int requests = 200;
    List<Map.Entry<String, String>> batch = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      batch.add(request(i));
    }
    KAFKA.produce(topics.requests(), batch);
    // Rows the loader must refuse, with their reason, and keep running.
    KAFKA.produce(topics.explanations(), "u-x", "{\"decision_id\":\"d-1\"}");
    KAFKA.produce(topics.explanations(), "u-x", "{\"decision_id\":");

    KAFKA.consumeAtLeast(topics.decisions(), requests, Duration.ofSeconds(120));
    List<ConsumerRecord<String, String>> decisionRecords =
        KAFKA.consumeAll(topics.decisions(), Duration.ofSeconds(3));
    List<ConsumerRecord<String, String>> rowRecords =
        KAFKA.consumeAll(topics.explanations(), Duration.ofSeconds(3));

    Map<String, TimingDecision> decisions = new HashMap<>();
    for (ConsumerRecord<String, String> r : decisionRecords) {
      TimingDecision d = Contracts.parseDecision(r.value()).value();
      assertThat(r.key()).isEqualTo(d.universalId());
      assertThat(decisions.put(d.decisionId(), d)).as("duplicate decision %s", d).isNull();
    }
    assertThat(decisions).hasSize(requests);

    Map<String, ExplanationRow> rows = new HashMap<>();
    for (ConsumerRecord<String, String> r : rowRecords) {
      Parsed<ExplanationRow> parsed = Contracts.parseExplanationRow(r.value());
      if (r.key().equals("u-x")) {
        assertThat(parsed.isOk()).isFalse();
        continue;
      }
      ExplanationRow row = parsed.value();
      assertThat(r.key()).isEqualTo(row.universalId());
      assertThat(rows.put(row.decisionId(), row)).as("duplicate row %s", row).isNull();
    }
    assertThat(rows.keySet())
        .as("a committed explanation row for every committed decision, and no other")
        .isEqualTo(decisions.keySet());
    for (TimingDecision d : decisions.values()) {
      ExplanationRow row = rows.get(d.decisionId());
      assertThat(row.explanationRef()).isEqualTo(d.explanationRef());
      assertThat(row.requestId()).isEqualTo(d.requestId());
      assertThat(row.universalId()).isEqualTo(d.universalId());
      assertThat(row.decisionVersion()).isEqualTo(d.version());
      assertThat(row.status()).isEqualTo(d.status().wire());
      assertThat(row.targetMinuteUtc()).isEqualTo(d.targetMinuteUtc());
      assertThat(row.triggerTimestamp()).isEqualTo(d.triggerTimestampUtc());
    }

    String table = db + "." + ExplanationStore.TABLE;
    await(
        "every row in ClickHouse",
        Duration.ofSeconds(60),
        () -> CLICKHOUSE.queryLong("SELECT count() FROM " + table + " FINAL") >= requests);
    assertThat(storedDecisionIds(CLICKHOUSE, table)).isEqualTo(decisions.keySet());

    List<DeadLetter> dead =
        KAFKA.consumeAtLeast(topics.deadLetters(), 2, Duration.ofSeconds(30)).stream()
            .map(r -> Contracts.parseDeadLetter(r.value()).value())
            .toList();
    assertThat(dead).allSatisfy(d -> assertThat(d.stage()).isEqualTo(LoaderTopology.STAGE));
    assertThat(dead)
        .extracting(DeadLetter::reason)
        .containsExactlyInAnyOrder(RejectReason.MISSING_FIELD, RejectReason.MALFORMED_JSON);
    assertAllRunning();
  }

  @Test
  void decisionsKeepFlowingWhileClickHouseIsDownAndEveryRowArrivesOnceAfterwards(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    Topics topics = Topics.fresh();
    String db = OWN_CLICKHOUSE.freshDatabase();
    OWN_CLICKHOUSE.execute(db, ExplanationStore.CLICKHOUSE_DDL);
    String table = db + "." + ExplanationStore.TABLE;
    startTiming(topics);
    startLoader(topics, OWN_CLICKHOUSE.jdbcUrl(db), LOADER_CHECKPOINT_TIMEOUT);
    DecisionTally tally = new DecisionTally(topics.decisions());
    Traffic traffic = new Traffic(topics.requests(), 20);

    await(
        "the loader writes before the outage",
        Duration.ofSeconds(90),
        () -> OWN_CLICKHOUSE.queryLong("SELECT count() FROM " + table) >= 20);

    OWN_CLICKHOUSE.stopServerKeepingData();
    Instant down = Instant.now();
    assertThatThrownBy(() -> OWN_CLICKHOUSE.queryLong("SELECT 1")).as("ClickHouse is down");
    Thread.sleep(OUTAGE.toMillis());
    int duringOutage = tally.arrivedSince(down);
    assertThat(duringOutage)
        .as("decisions committed while ClickHouse was down for %s", OUTAGE)
        .isGreaterThanOrEqualTo(100);
    assertAllRunning();
    assertThat(cluster.requestClusterOverview().get().getNumTaskManagersConnected())
        .as("the TaskManager is alive")
        .isEqualTo(1);

    OWN_CLICKHOUSE.restartServer();
    Thread.sleep(2_000); // traffic goes on across the restart
    traffic.close();
    await(
        "a decision for every request",
        Duration.ofSeconds(60),
        () -> tally.size() >= traffic.sent());
    int decisions = tally.size();
    await(
        "every explanation row in ClickHouse once the outage is over",
        Duration.ofSeconds(120),
        () -> OWN_CLICKHOUSE.queryLong("SELECT count() FROM " + table + " FINAL") >= decisions);

    assertThat(tally.duplicates()).isZero();
    assertThat(tally.size()).as("nothing decided twice or late").isEqualTo(decisions);
    assertThat(OWN_CLICKHOUSE.queryLong("SELECT count() FROM " + table + " FINAL"))
        .as("once under FINAL")
        .isEqualTo(decisions);
    assertThat(storedDecisionIds(OWN_CLICKHOUSE, table)).isEqualTo(tally.ids());
    assertAllRunning();
    assertThat(cluster.requestClusterOverview().get().getNumTaskManagersConnected()).isEqualTo(1);
    System.out.printf(
        "outage %s: %d requests, %d decisions (%d while ClickHouse was down), %d rows stored%n",
        OUTAGE, traffic.sent(), decisions, duringOutage, decisions);
  }

  private void startTiming(Topics topics) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    String signals = KAFKA.uniqueTopic("signals");
    String outcomes = KAFKA.uniqueTopic("dispatch-outcomes");
    String config = KAFKA.uniqueTopic("connector-config");
    String handoffs = KAFKA.uniqueTopic("handoffs");
    KAFKA.createTopics(signals, outcomes, handoffs);
    KAFKA.createTopic(config, 1, Map.of("cleanup.policy", "compact"));
    TimingJob.wire(
        env,
        JobArgs.parse(
            new String[] {
              "--kafka-bootstrap",
              KAFKA.bootstrapServers(),
              "--signals-topic",
              signals,
              "--send-requests-topic",
              topics.requests(),
              "--dispatch-outcomes-topic",
              outcomes,
              "--connector-config-topic",
              config,
              "--handoffs-topic",
              handoffs,
              "--decisions-topic",
              topics.decisions(),
              "--explanations-topic",
              topics.explanations(),
              "--dead-letters-topic",
              topics.deadLetters(),
              "--group-id",
              "audit-timing-" + UUID.randomUUID(),
              "--transactional-id-prefix",
              "audit-timing-" + UUID.randomUUID(),
              "--checkpoint-interval",
              "1s"
            },
            Map.of()));
    jobs.add(awaitRunning(withoutRestarts(env).executeAsync("timing")));
  }

  private void startLoader(Topics topics, String jdbcUrl, Duration checkpointTimeout)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    ExplanationLoader.wire(
        env,
        new LoaderOptions(
            KAFKA.bootstrapServers(),
            topics.explanations(),
            null, // explanations only: dispatch_log is covered end to end in the local runner
            topics.deadLetters(),
            false,
            "audit-loader-" + UUID.randomUUID(),
            Duration.ofSeconds(1),
            new StoreOptions(
                jdbcUrl,
                null,
                null,
                StoreOptions.DEFAULT_BATCH_SIZE,
                StoreOptions.DEFAULT_FLUSH_INTERVAL,
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2)))));
    if (checkpointTimeout != null) {
      Configuration config = new Configuration();
      config.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, checkpointTimeout);
      env.configure(config);
    }
    jobs.add(awaitRunning(withoutRestarts(env).executeAsync("explanation-loader")));
  }

  /** Without a restart strategy, any task failure fails the job: RUNNING means no restart. */
  private static StreamExecutionEnvironment withoutRestarts(StreamExecutionEnvironment env) {
    Configuration config = new Configuration();
    config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    env.configure(config);
    return env;
  }

  private static JobClient awaitRunning(JobClient job) throws Exception {
    await(
        "job " + job.getJobID() + " running",
        Duration.ofSeconds(60),
        () -> status(job) == JobStatus.RUNNING);
    return job;
  }

  private void assertAllRunning() throws Exception {
    for (JobClient job : jobs) {
      assertThat(job.getJobStatus().get())
          .as("job %s", job.getJobID())
          .isEqualTo(JobStatus.RUNNING);
    }
  }

  private static JobStatus status(JobClient job) {
    try {
      return job.getJobStatus().get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> storedDecisionIds(ClickHouseExtension clickhouse, String table) {
    return clickhouse.query("SELECT decision_id FROM " + table + " FINAL").stream()
        .map(r -> (String) r.get("decision_id"))
        .collect(Collectors.toSet());
  }

  private static Map.Entry<String, String> request(int i) {
    String recipient = "u-" + (i % 40);
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    SendRequest request =
        new SendRequest(
            "req-" + i,
            recipient,
            Map.of(),
            "promo_jan",
            now,
            now.plus(Duration.ofHours(2)),
            null,
            Map.of());
    return Map.entry(recipient, Contracts.toJson(request));
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(200);
    }
  }

  /** Send requests at a steady rate until closed. */
  private final class Traffic implements AutoCloseable {
    private final AtomicInteger sent = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    Traffic(String topic, int perSecond) {
      KafkaProducer<String, String> producer = KAFKA.newProducer(new Properties());
      thread =
          new Thread(
              () -> {
                try (producer) {
                  while (running) {
                    Map.Entry<String, String> r = request(sent.get());
                    producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue())).get();
                    sent.incrementAndGet();
                    Thread.sleep(1_000 / perSecond);
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              "audit-traffic");
      thread.start();
      toClose.add(this);
    }

    int sent() {
      return sent.get();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join();
    }
  }

  /** Reads committed decisions as they come and remembers when each arrived. */
  private final class DecisionTally implements AutoCloseable {
    private final Map<String, Instant> arrived = new ConcurrentHashMap<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    DecisionTally(String topic) {
      thread =
          new Thread(
              () -> {
                try (KafkaConsumer<String, String> consumer = KAFKA.newConsumer(new Properties())) {
                  List<TopicPartition> partitions =
                      consumer.partitionsFor(topic).stream()
                          .map(p -> new TopicPartition(topic, p.partition()))
                          .toList();
                  consumer.assign(partitions);
                  consumer.seekToBeginning(partitions);
                  while (running) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                      String id = Contracts.parseDecision(r.value()).value().decisionId();
                      if (arrived.putIfAbsent(id, Instant.now()) != null) {
                        duplicates.incrementAndGet();
                      }
                    }
                  }
                }
              },
              "audit-decisions");
      thread.start();
      toClose.add(this);
    }

    int size() {
      return arrived.size();
    }

    int duplicates() {
      return duplicates.get();
    }

    Set<String> ids() {
      return new HashSet<>(arrived.keySet());
    }

    int arrivedSince(Instant t) {
      return (int) arrived.values().stream().filter(at -> !at.isBefore(t)).count();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join();
    }
  }
}
