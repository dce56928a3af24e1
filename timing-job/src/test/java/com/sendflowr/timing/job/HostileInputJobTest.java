package com.sendflowr.timing.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.HostileSamples;
import com.sendflowr.contract.HostileSamples.Hostile;
import com.sendflowr.contract.HostileSamples.Kind;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.JobArgs;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.testkit.SendFlowrMiniCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The timing job at parallelism 2 on a real broker, fed hostile records between valid ones: every
 * hostile record becomes a dead letter with its reason, every valid request still gets its
 * decision, and the job never restarts. Before the contract's character rules, a lone surrogate in
 * a {@code universal_id} changed its key between the two sides of the {@code keyBy} and failed the
 * job with "Key group ... is not in KeyGroupRange" on every restart.
 */
class HostileInputJobTest {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  private static final int PARALLELISM = 2;
  private static final long SEED = 42;
  private static final int FUZZED = 40;

  record Topics(
      String signals,
      String sendRequests,
      String outcomes,
      String config,
      String handoffs,
      String decisions,
      String explanations,
      String deadLetters) {}

  @Test
  void hostileRecordsAreDeadLetteredValidOnesDecidedAndTheJobNeverRestarts(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    Topics topics =
        new Topics(
            KAFKA.uniqueTopic("signals"),
            KAFKA.uniqueTopic("send-requests"),
            KAFKA.uniqueTopic("outcomes"),
            KAFKA.uniqueTopic("config"),
            KAFKA.uniqueTopic("handoffs"),
            KAFKA.uniqueTopic("decisions"),
            KAFKA.uniqueTopic("explanations"),
            KAFKA.uniqueTopic("dead-letters"));
    KAFKA.createTopics(
        topics.signals(),
        topics.sendRequests(),
        topics.outcomes(),
        topics.config(),
        topics.handoffs(),
        topics.decisions(),
        topics.explanations(),
        topics.deadLetters());

    JobClient job = startTimingJob(topics);
    try {
      SendFlowrMiniCluster.awaitRunning(job);
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      List<Hostile> hostile = HostileSamples.all(now, SEED, FUZZED);

      // Valid records, some with unusual but well-formed text, interleaved with the hostile ones.
      Instant start = now.plusSeconds(30);
      Map<String, String> validRequests = new HashMap<>(); // request id -> JSON
      List<String> validSignals = new ArrayList<>();
      String[] recipients = {"u-1", "u-2", "u-\\ud83d\\ude00", "u-3", "u-4", "u-5"};
      for (int i = 0; i < recipients.length; i++) {
        validRequests.put(
            "ok-" + i,
            HostileSamples.sendRequest("ok-" + i, recipients[i], start, start.plusSeconds(3600))
                .replace("\"jan\"", "\"line one\\nline two\""));
        // null members once threw out of the parser and failed the job; now they are left out
        validSignals.add(
            HostileSamples.signal("ok-" + i, recipients[i], now)
                .replace("\"https://shop.example/p/1\"", "null,\"deep\":{\"gone\":null}"));
      }
      List<Map.Entry<String, String>> signals = new ArrayList<>();
      List<Map.Entry<String, String>> requests = new ArrayList<>();
      int i = 0;
      for (Hostile h : hostile) {
        (h.kind() == Kind.SIGNAL ? signals : requests).add(Map.entry("k-" + i++, h.json()));
        if (i % 5 == 0 && i / 5 <= validSignals.size()) {
          signals.add(Map.entry("k-" + i, validSignals.get(i / 5 - 1)));
          String id = "ok-" + (i / 5 - 1);
          requests.add(Map.entry("k-" + i, validRequests.get(id)));
        }
      }
      KAFKA.produce(topics.signals(), signals);
      KAFKA.produce(topics.sendRequests(), requests);

      List<DeadLetter> dead =
          KAFKA
              .consumeAtLeast(topics.deadLetters(), hostile.size(), Duration.ofSeconds(120))
              .stream()
              .map(r -> Contracts.parseDeadLetter(r.value()).value())
              .toList();
      // A poison pill shows as a failure here: say which, before the symptoms downstream.
      assertThat(exceptionHistory(cluster, job)).as("the job's exception history").isEmpty();
      Map<String, RejectReason> reasonByPayload =
          dead.stream()
              .collect(Collectors.toMap(DeadLetter::payload, DeadLetter::reason, (a, b) -> a));
      for (Hostile h : hostile) {
        assertThat(reasonByPayload.get(h.json())).as(h + ": " + h.json()).isEqualTo(h.reason());
      }
      assertThat(dead).allSatisfy(d -> assertThat(d.detail()).isNotBlank());

      Set<String> decided =
          KAFKA
              .consumeAtLeast(topics.decisions(), validRequests.size(), Duration.ofSeconds(90))
              .stream()
              .map(r -> Contracts.parseDecision(r.value()).value())
              .map(TimingDecision::requestId)
              .collect(Collectors.toSet());
      assertThat(decided).isEqualTo(validRequests.keySet());

      // A request id reused for another recipient, after the first was decided.
      String reused =
          HostileSamples.sendRequest("ok-0", "u-reuser", start, start.plusSeconds(3600));
      KAFKA.produce(topics.sendRequests(), "u-reuser", reused);
      List<DeadLetter> all = List.of();
      Instant deadline = Instant.now().plusSeconds(60);
      while (all.stream().noneMatch(d -> d.payload().contains("u-reuser"))
          && Instant.now().isBefore(deadline)) {
        all =
            KAFKA.consumeAll(topics.deadLetters(), Duration.ofSeconds(1)).stream()
                .map(r -> Contracts.parseDeadLetter(r.value()).value())
                .toList();
      }
      assertThat(all)
          .filteredOn(d -> d.payload().contains("u-reuser"))
          .singleElement()
          .extracting(DeadLetter::reason)
          .isEqualTo(RejectReason.REQUEST_ID_REUSED);
      assertThat(all)
          .as("one dead letter per hostile record and the reuse, none for valid ones")
          .hasSize(hostile.size() + 1);

      assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
      assertThat(numRestarts(cluster, job)).isZero();
    } finally {
      job.cancel().get();
    }
  }

  /**
   * The one place this test builds the job: the production topology at parallelism 2 with
   * production settings (exactly-once checkpoints, no Kryo), on the real broker.
   */
  private static JobClient startTimingJob(Topics t) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(PARALLELISM);
    String group = "hostile-" + UUID.randomUUID();
    TimingJob.wire(
        env,
        JobArgs.parse(
            TimingJob.Topics.argv(
                new TimingJob.Topics(
                    t.signals(),
                    t.sendRequests(),
                    t.outcomes(),
                    t.config(),
                    t.handoffs(),
                    t.decisions(),
                    t.explanations(),
                    t.deadLetters()),
                "--kafka-bootstrap",
                KAFKA.bootstrapServers(),
                "--group-id",
                group,
                "--transactional-id-prefix",
                group,
                "--checkpoint-interval",
                "1s"),
            Map.of()));
    return env.executeAsync("timing-job-hostile-input");
  }

  /** The job manager's {@code numRestarts} metric, through the cluster's REST API. */
  private static long numRestarts(MiniCluster cluster, JobClient job) throws Exception {
    URI uri =
        cluster
            .getRestAddress()
            .get()
            .resolve("/jobs/" + job.getJobID() + "/metrics?get=numRestarts");
    Instant deadline = Instant.now().plusSeconds(60);
    while (true) {
      JsonNode metrics = getJson(uri);
      if (metrics.isArray() && !metrics.isEmpty()) {
        return metrics.get(0).path("value").asLong();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("no numRestarts metric for job " + job.getJobID());
      }
      Thread.sleep(500); // the REST endpoint fetches metrics periodically
    }
  }

  private static List<String> exceptionHistory(MiniCluster cluster, JobClient job)
      throws Exception {
    JsonNode body =
        getJson(cluster.getRestAddress().get().resolve("/jobs/" + job.getJobID() + "/exceptions"));
    List<String> failures = new ArrayList<>();
    body.path("exceptionHistory")
        .path("entries")
        .forEach(
            e ->
                failures.add(
                    e.path("exceptionName").asText()
                        + ": "
                        + e.path("stacktrace").asText().lines().findFirst().orElse("")));
    return failures;
  }

  private static JsonNode getJson(URI uri) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }
}
