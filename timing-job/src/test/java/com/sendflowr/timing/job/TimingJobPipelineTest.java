package com.sendflowr.timing.job;

import static com.sendflowr.timing.job.TimingFixtures.INTENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.testkit.SendFlowrMiniCluster;
import com.sendflowr.timing.job.identity.IdentityKeys;
import com.sendflowr.timing.model.DecisionRequest;
import com.sendflowr.timing.model.IntentPolicy;
import com.sendflowr.timing.model.LatencyTracker;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.RecipientState;
import com.sendflowr.timing.model.TimingChoice;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The timing job as production runs it (its own {@code wire}), at parallelism 2 on a MiniCluster
 * against a real broker: decisions come from the model, hot paths and circuit breakers re-decide in
 * real time, and a TaskManager lost mid-stream loses no state and duplicates no decision.
 */
class TimingJobPipelineTest {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  private static final Duration BREAKER = Duration.ofSeconds(20);

  private JobClient job;

  @AfterEach
  void stop() throws Exception {
    if (job != null) {
      job.cancel().get();
    }
  }

  record Topics(
      String signals,
      String requests,
      String outcomes,
      String config,
      String decisions,
      String explanations,
      String dead,
      String handoffs) {
    static Topics fresh() {
      return new Topics(
          KAFKA.uniqueTopic("signals"),
          KAFKA.uniqueTopic("requests"),
          KAFKA.uniqueTopic("outcomes"),
          KAFKA.uniqueTopic("config"),
          KAFKA.uniqueTopic("decisions"),
          KAFKA.uniqueTopic("explanations"),
          KAFKA.uniqueTopic("dead"),
          KAFKA.uniqueTopic("handoffs"));
    }
  }

  @Test
  void decidesWithTheModelReDecidesOnContextMergesIdentitiesAndRecoversFromALostTaskManager(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    Topics t = Topics.fresh();
    KAFKA.createTopics(
        t.signals(),
        t.requests(),
        t.outcomes(),
        t.decisions(),
        t.explanations(),
        t.dead(),
        t.handoffs());
    KAFKA.createTopic(t.config(), 1, Map.of("cleanup.policy", "compact"));
    for (ConfigChange c :
        List.of(
            TimingFixtures.hotPath("site_visit", 50.0, 1),
            TimingFixtures.breaker("ticket_opened", BREAKER, 1))) {
      KAFKA.produce(t.config(), c.key(), Contracts.toJson(c));
    }
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    List<Signal> anna = TimingFixtures.dailyHabit("u-anna", start, 18 * 60, 42);
    List<Signal> bob = TimingFixtures.dailyHabit("u-bob", start, 7 * 60, 42);
    for (Signal s : concat(anna, bob)) {
      KAFKA.produce(t.signals(), s.universalId(), Contracts.toJson(s));
    }

    String group = "timing-it-" + UUID.randomUUID();
    job = start(t, group);
    awaitConsumed(group, t.signals(), anna.size() + bob.size());

    // 1. The model decides, and the library decides the same minute for the same history.
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    request(t, TimingFixtures.request("req-anna-1", "u-anna", now, now.plus(Duration.ofHours(30))));
    TimingDecision annaFirst = awaitDecisions(t, "req-anna-1", 1).get(0);
    assertThat(annaFirst.modelVersion()).isEqualTo(ModelConfig.MODEL_VERSION);
    assertThat(annaFirst.confidenceScore()).isGreaterThan(0);
    assertThat(annaFirst.targetTimestampUtc()).isEqualTo(library(anna, annaFirst, now).target());

    // 2. A hot path: a superseding version within seconds, landing in the next minutes.
    Instant visit = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    Signal siteVisit = TimingFixtures.signal("visit-1", "site_visit", visit, "u-anna");
    KAFKA.produce(t.signals(), "u-anna", Contracts.toJson(siteVisit));
    TimingDecision annaSecond = awaitDecisions(t, "req-anna-1", 2).get(1);
    assertThat(annaSecond.supersedes()).isEqualTo(annaFirst.decisionId());
    assertThat(annaSecond.status()).isEqualTo(DecisionStatus.SCHEDULED);
    assertThat(Duration.between(visit, annaSecond.targetTimestampUtc()))
        .isLessThanOrEqualTo(Duration.ofMinutes(15));
    assertThat(Duration.between(visit, annaSecond.createdAtUtc()))
        .isLessThanOrEqualTo(Duration.ofSeconds(10));

    // 3. A circuit breaker: a cancellation, nothing dispatchable until it ends, then a fresh one.
    now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    request(t, TimingFixtures.request("req-bob-1", "u-bob", now, now.plus(Duration.ofHours(30))));
    awaitDecisions(t, "req-bob-1", 1);
    Instant ticket = Instant.now();
    KAFKA.produce(
        t.signals(),
        "u-bob",
        Contracts.toJson(TimingFixtures.signal("ticket-1", "ticket_opened", ticket, "u-bob")));
    List<TimingDecision> bobs = awaitDecisions(t, "req-bob-1", 3);
    assertThat(bobs)
        .extracting(TimingDecision::status)
        .containsExactly(
            DecisionStatus.SCHEDULED, DecisionStatus.CANCELLED, DecisionStatus.SCHEDULED);
    assertThat(bobs.get(2).createdAtUtc()).isAfterOrEqualTo(ticket.plus(BREAKER));
    assertThat(bobs.get(2).triggerTimestampUtc()).isAfterOrEqualTo(ticket.plus(BREAKER));

    // 4. Identity: a history under an ESP id, then one record naming the ESP id and the hashed
    //    e-mail, then a history under the e-mail: one person, one curve.
    Map<String, String> esp = Map.of("klaviyo_profile_id", "K-carol");
    String emailHash = "cd".repeat(32);
    Map<String, String> email = Map.of(IdentityKeys.EMAIL, emailHash);
    List<Signal> carol = TimingFixtures.dailyHabit("u-carol", start, 12 * 60, 40);
    List<Signal> carolByEsp =
        carol.subList(0, 20).stream().map(s -> TimingFixtures.byKeys(s, esp)).toList();
    Signal link =
        TimingFixtures.byKeys(
            carol.get(20), Map.of("klaviyo_profile_id", "K-carol", IdentityKeys.EMAIL, emailHash));
    List<Signal> carolByEmail =
        carol.subList(21, 40).stream().map(s -> TimingFixtures.byKeys(s, email)).toList();
    long signalsSoFar = anna.size() + bob.size() + 2;
    for (Signal s : carolByEsp) {
      KAFKA.produce(t.signals(), "K-carol", Contracts.toJson(s));
    }
    awaitConsumed(group, t.signals(), signalsSoFar + carolByEsp.size());
    KAFKA.produce(t.signals(), "K-carol", Contracts.toJson(link));
    awaitConsumed(group, t.handoffs(), 1);
    for (Signal s : carolByEmail) {
      KAFKA.produce(t.signals(), "carol", Contracts.toJson(s));
    }
    awaitConsumed(group, t.signals(), signalsSoFar + carol.size());
    now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    request(
        t,
        TimingFixtures.byKeys(
            TimingFixtures.request("req-carol-1", "u-carol", now, now.plus(Duration.ofHours(30))),
            email));
    TimingDecision carolFirst = awaitDecisions(t, "req-carol-1", 1).get(0);
    TimingChoice oneCurve = library(carol, carolFirst, now);
    assertThat(carolFirst.universalId()).isEqualTo(IdentityKeys.plan(null, email).id());
    assertThat(KAFKA.consumeAll(t.dead(), Duration.ofSeconds(1))).as("no dead letters").isEmpty();
    assertThat(carolFirst.confidenceScore())
        .as("the ESP-keyed history was merged into the e-mail's (float sums in another order)")
        .isCloseTo(oneCurve.confidenceScore(), org.assertj.core.api.Assertions.within(1e-6));
    assertThat(carolFirst.debug().baseCurvePeakMinute())
        .isEqualTo(oneCurve.explanation().basePeakMinute());

    // 5. A lost TaskManager: the job restores from its last checkpoint.
    cluster.terminateTaskManager(0).get();
    cluster.startTaskManager();
    SendFlowrMiniCluster.awaitRunning(job);
    now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    request(t, TimingFixtures.request("req-anna-2", "u-anna", now, now.plus(Duration.ofHours(30))));
    TimingDecision annaAfter = awaitDecisions(t, "req-anna-2", 1).get(0);
    // The site visit still weighs on the target (its hot path lasts hours), so compare what the
    // recipient state alone determines: confidence and the base curve's peak.
    TimingChoice expected = library(concat(anna, List.of(siteVisit)), annaAfter, now);
    assertThat(annaAfter.confidenceScore())
        .as("recipient state survived the restore intact")
        .isEqualTo(expected.confidenceScore());
    assertThat(annaAfter.debug().baseCurvePeakMinute())
        .isEqualTo(expected.explanation().basePeakMinute());

    List<TimingDecision> all = decisions(t);
    assertThat(all).extracting(TimingDecision::decisionId).doesNotHaveDuplicates();
    assertThat(all.stream().map(TimingDecision::requestId).distinct())
        .containsExactlyInAnyOrder("req-anna-1", "req-anna-2", "req-bob-1", "req-carol-1");
    assertThat(all).hasSize(2 + 3 + 1 + 1);
    // Each committed decision has its one committed explanation row, across the restore too.
    List<ExplanationRow> rows =
        KAFKA.consumeAll(t.explanations(), Duration.ofSeconds(1)).stream()
            .map(r -> Contracts.parseExplanationRow(r.value()).value())
            .toList();
    assertThat(rows)
        .extracting(ExplanationRow::decisionId)
        .containsExactlyInAnyOrderElementsOf(all.stream().map(TimingDecision::decisionId).toList());
    assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
  }

  private JobClient start(Topics t, String group) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    JobArgs args =
        JobArgs.parse(
            TimingJob.Topics.argv(
                new TimingJob.Topics(
                    t.signals(),
                    t.requests(),
                    t.outcomes(),
                    t.config(),
                    t.handoffs(),
                    t.decisions(),
                    t.explanations(),
                    t.dead()),
                "--kafka-bootstrap",
                KAFKA.bootstrapServers(),
                "--group-id",
                group,
                "--transactional-id-prefix",
                group,
                "--checkpoint-interval",
                "500ms"),
            Map.of());
    TimingJob.wire(env, args);
    JobClient client = env.executeAsync("timing-it");
    SendFlowrMiniCluster.awaitRunning(client);
    return client;
  }

  private static TimingChoice library(List<Signal> history, TimingDecision d, Instant notBefore) {
    ModelConfig config = ModelConfig.defaults();
    RecipientState state = new RecipientState();
    for (Signal s : history) {
      state.update(s.knownType().orElseThrow(), s.occurredAt(), config);
    }
    return ModelSpec.defaults()
        .engine()
        .decide(
            new DecisionRequest(
                d.universalId(),
                INTENT,
                d.createdAtUtc(),
                notBefore,
                d.notAfter(),
                state,
                null,
                LatencyTracker.withDefaults(DecideSettings.defaults().defaultLatency()),
                IntentPolicy.defaults(INTENT)));
  }

  private static void request(Topics t, SendRequest r) {
    KAFKA.produce(t.requests(), r.universalId(), Contracts.toJson(r));
  }

  private static List<TimingDecision> decisions(Topics t) {
    return KAFKA.consumeAll(t.decisions(), Duration.ofSeconds(1)).stream()
        .map(ConsumerRecord::value)
        .map(v -> Contracts.parseDecision(v).value())
        .collect(Collectors.toList());
  }

  /** The request's decisions in version order, once at least {@code n} are committed. */
  private static List<TimingDecision> awaitDecisions(Topics t, String requestId, int n)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(90);
    while (true) {
      List<TimingDecision> mine =
          decisions(t).stream()
              .filter(d -> d.requestId().equals(requestId))
              .sorted(java.util.Comparator.comparingInt(TimingDecision::version))
              .toList();
      if (mine.size() >= n) {
        return mine;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(
            requestId
                + ": expected "
                + n
                + " decisions, got "
                + mine
                + "; dead letters: "
                + KAFKA.consumeAll(t.dead(), Duration.ofSeconds(1)).stream()
                    .map(ConsumerRecord::value)
                    .toList());
      }
      Thread.sleep(200);
    }
  }

  /** Waits until the job's checkpointed offsets cover {@code count} records of the topic. */
  private static void awaitConsumed(String group, String topic, long count) throws Exception {
    Instant deadline = Instant.now().plusSeconds(90);
    try (org.apache.kafka.clients.admin.Admin admin = KAFKA.admin()) {
      while (Instant.now().isBefore(deadline)) {
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        long consumed =
            offsets.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
        if (consumed >= count) {
          return;
        }
        Thread.sleep(200);
      }
    }
    throw new AssertionError("the job did not consume " + count + " records of " + topic);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
