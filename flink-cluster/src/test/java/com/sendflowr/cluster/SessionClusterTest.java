package com.sendflowr.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.sandbox.esp.AcceptedEvent;
import com.sendflowr.sandbox.esp.SandboxEsp;
import com.sendflowr.testkit.KafkaBrokerExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both job jars on a real standalone Flink session cluster (a JobManager and a TaskManager as
 * separate processes, started by {@code scripts/flink-cluster.sh} with the project's config.yaml),
 * submitted with the flink CLI exactly as the README says, against a real Kafka broker: a send
 * request becomes a decision, the decision an ESP call and an accepted outcome.
 */
class SessionClusterTest {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  static final String API_KEY = "pk_sandbox_cluster_1234";
  static final ObjectMapper JSON = new ObjectMapper();

  // kept when a test fails: the cluster's logs are in flink/log/
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path runDir;

  static Path root;
  static Map<String, String> scriptEnv;
  static String restUrl;

  @BeforeAll
  static void startCluster() throws Exception {
    root = Path.of("").toAbsolutePath().getParent();
    scriptEnv = new HashMap<>();
    scriptEnv.put("SENDFLOWR_RUN_DIR", runDir.toString());
    // the cluster's logs stay in the test's temporary directory until JUnit removes it
    scriptEnv.put("SENDFLOWR_KEEP_DATA", "1");
    scriptEnv.put("SENDFLOWR_FLINK_REST_PORT", String.valueOf(freePort()));
    scriptEnv.put("SENDFLOWR_FLINK_RPC_PORT", String.valueOf(freePort()));
    // room for the two tests' jobs side by side, should one of them leave its jobs behind
    scriptEnv.put("SENDFLOWR_FLINK_SLOTS", "6");
    int metrics = freePort();
    scriptEnv.put("SENDFLOWR_FLINK_METRICS_PORTS", metrics + "-" + (metrics + 1));
    // a killed test JVM must not leave the cluster behind
    scriptEnv.put("SENDFLOWR_STOP_WITH_PID", String.valueOf(ProcessHandle.current().pid()));
    Result started = script(Duration.ofMinutes(5), "start");
    assertThat(started.exitCode()).as(started.output()).isZero();
    restUrl = "http://127.0.0.1:" + scriptEnv.get("SENDFLOWR_FLINK_REST_PORT");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (scriptEnv != null) {
      Result stopped = script(Duration.ofMinutes(2), "stop");
      assertThat(stopped.exitCode()).as(stopped.output()).isZero();
      assertThat(Files.exists(runDir.resolve("flink/jobmanager.pid"))).isFalse();
      assertThat(Files.exists(runDir.resolve("flink/taskmanager.pid"))).isFalse();
    }
  }

  /** The cluster runs with config.yaml plus only the single-machine overrides. */
  @Test
  void theClusterRunsWithTheProjectConfigurationAndTheLocalOverrides() throws Exception {
    Map<String, String> config = new HashMap<>();
    for (JsonNode entry : get("/jobmanager/config")) {
      config.put(entry.path("key").asText(), entry.path("value").asText());
    }
    assertThat(config)
        .containsEntry("rest.port", scriptEnv.get("SENDFLOWR_FLINK_REST_PORT"))
        .containsEntry("rest.bind-address", "127.0.0.1")
        .containsEntry("web.submit.enable", "false")
        .containsEntry("state.backend.type", "rocksdb")
        .containsEntry("pipeline.auto-generate-uids", "false")
        .containsEntry(
            "execution.checkpointing.dir", "file://" + runDir.resolve("flink/checkpoints"));
    assertThat(get("/taskmanagers").path("taskmanagers")).hasSize(1);
  }

  @Test
  void bothJobJarsSubmittedWithTheCliTurnASendRequestIntoAnEspCall() throws Exception {
    String signals = KAFKA.uniqueTopic("signals");
    String requests = KAFKA.uniqueTopic("send-requests");
    String decisions = KAFKA.uniqueTopic("decisions");
    String explanations = KAFKA.uniqueTopic("explanations");
    String outcomes = KAFKA.uniqueTopic("outcomes");
    String config = KAFKA.uniqueTopic("connector-config");
    String deadLetters = KAFKA.uniqueTopic("dead-letters");
    String handoffs = KAFKA.uniqueTopic("handoffs");
    KAFKA.createTopics(signals, requests, decisions, explanations, outcomes, deadLetters, handoffs);
    KAFKA.createTopic(config, 1, Map.of("cleanup.policy", "compact"));
    KAFKA.produce(
        config,
        "intent_binding:promo_jan",
        "{\"entity_type\":\"intent_binding\",\"entity_id\":\"promo_jan\",\"version\":1,"
            + "\"changed_at\":\""
            + Instant.now().truncatedTo(ChronoUnit.SECONDS)
            + "\",\"snapshot\":{\"esp\":\"klaviyo\",\"credential_ref\":\"brand-a-klaviyo\","
            + "\"metric_name\":\"SendFlowr Promo Jan\",\"campaign_id\":\"abc123\","
            + "\"template_id\":\"promo-drip\"}}");

    try (SandboxEsp klaviyo = SandboxEsp.start(0, Set.of(API_KEY))) {
      // The ESP key travels in a file, never as an argument.
      Path credentials = runDir.resolve("credentials.properties");
      Files.writeString(credentials, "brand-a-klaviyo=" + API_KEY + "\n");
      String bootstrap = KAFKA.bootstrapServers();

      String timingJob =
          submit(
              System.getProperty("sendflowr.timingJobJar"),
              "--kafka-bootstrap",
              bootstrap,
              "--signals-topic",
              signals,
              "--send-requests-topic",
              requests,
              "--dispatch-outcomes-topic",
              outcomes,
              "--connector-config-topic",
              config,
              "--handoffs-topic",
              handoffs,
              "--decisions-topic",
              decisions,
              "--explanations-topic",
              explanations,
              "--dead-letters-topic",
              deadLetters,
              "--group-id",
              "cluster-timing",
              "--transactional-id-prefix",
              "cluster-test-timing",
              "--default-latency",
              "2s",
              "--checkpoint-interval",
              "1s");
      String dispatchJob =
          submit(
              System.getProperty("sendflowr.dispatchJobJar"),
              "--kafka-bootstrap",
              bootstrap,
              "--decisions-topic",
              decisions,
              "--connector-config-topic",
              config,
              "--outcomes-topic",
              outcomes,
              "--dead-letters-topic",
              deadLetters,
              "--group-id",
              "cluster-dispatch",
              "--transactional-id-prefix",
              "cluster-test-dispatch",
              "--klaviyo-base-url",
              klaviyo.baseUrl(),
              "--credentials-file",
              credentials.toString(),
              "--checkpoint-interval",
              "1s");
      awaitRunning(timingJob);
      awaitRunning(dispatchJob);

      // The window the local end-to-end test uses: wide enough to hold a whole minute of the
      // model's grid, so the decision is scheduled (a window it cannot reach is expired).
      Instant notBefore = Instant.now().plusSeconds(8).truncatedTo(ChronoUnit.SECONDS);
      KAFKA.produce(
          signals,
          "u-1",
          "{\"event_id\":\"e-1\",\"event_type\":\"click\",\"occurred_at\":\""
              + Instant.now().truncatedTo(ChronoUnit.SECONDS)
              + "\",\"universal_id\":\"u-1\",\"source\":\"shopify\"}");
      KAFKA.produce(
          requests,
          "u-1",
          "{\"request_id\":\"req-1\",\"universal_id\":\"u-1\",\"intent_id\":\"promo_jan\","
              + "\"not_before\":\""
              + notBefore
              + "\",\"not_after\":\""
              + notBefore.plusSeconds(70)
              + "\",\"metadata\":{\"email\":\"sarah@example.com\"}}");

      TimingDecision decision =
          Contracts.parseDecision(
                  KAFKA.consumeAtLeast(decisions, 1, Duration.ofSeconds(90)).get(0).value())
              .value();
      assertThat(decision.requestId()).isEqualTo("req-1");
      assertThat(decision.status()).as(decision.toString()).isEqualTo(DecisionStatus.SCHEDULED);

      Duration untilTrigger = Duration.between(Instant.now(), decision.triggerTimestampUtc());
      List<ConsumerRecord<String, String>> outcomeRecords =
          KAFKA.consumeAtLeast(
              outcomes,
              1,
              (untilTrigger.isNegative() ? Duration.ZERO : untilTrigger).plusSeconds(30));
      DispatchOutcome outcome =
          Contracts.parseDispatchOutcome(outcomeRecords.get(0).value()).value();
      assertThat(outcome.state())
          .as("%s; dead letters: %s", outcomeRecords.get(0).value(), values(deadLetters))
          .isEqualTo(OutcomeState.ACCEPTED);
      List<AcceptedEvent> events = klaviyo.awaitEvents(1, Duration.ofSeconds(5));
      assertThat(events.get(0).properties().path("sendflowr_decision_id").asText())
          .isEqualTo(decision.decisionId());
      assertThat(klaviyo.calls()).hasSize(1);

      // The API key is in neither job's configuration as the cluster shows it.
      for (String job : List.of(timingJob, dispatchJob)) {
        assertThat(get("/jobs/" + job + "/config").toString()).doesNotContain(API_KEY);
      }
      Result cancelled = script(Duration.ofMinutes(2), "flink", "cancel", timingJob);
      assertThat(cancelled.exitCode()).as(cancelled.output()).isZero();
      cancelled = script(Duration.ofMinutes(2), "flink", "cancel", dispatchJob);
      assertThat(cancelled.exitCode()).as(cancelled.output()).isZero();
    }
  }

  /**
   * An upgrade to a new version of both jobs through savepoints while a decision is pending, and a
   * rollback. The new versions are the job jars with a field added to a state type ({@link
   * NextVersionJar}, sources in {@code src/test/resources/next-version/}): the timing job's open
   * request ({@code PendingRequest}, binary state whose codec moves to format version 2 and still
   * reads format 1) and the decision the dispatch job holds ({@code TimingDecision}, whose state
   * codec {@code LatestDecisionCodec} moves to format version 2, which appends the field). Both
   * jobs stop with savepoints (without draining, which would fire every timer at once) and the new
   * versions start from them at twice the parallelism, which redistributes the keyed state and
   * timers. The pending decision fires once at its time, the recipient's learned state is still
   * there, and the new versions' savepoints hold the added fields.
   *
   * <p>Rollback: each job's previous jar at the first parallelism, from the newest savepoint it can
   * read. The dispatch job's codec skips fields a later format appends, so it restarts from the new
   * version's savepoint; the timing job's previous codec reads only format 1, so it restarts from
   * the savepoint taken before the upgrade and re-reads Kafka from there. Nothing is sent twice.
   */
  @Test
  void aPendingDecisionFiresOnceAcrossASavepointUpgradeAndARollback() throws Exception {
    Path timingV1 = Path.of(System.getProperty("sendflowr.timingJobJar"));
    Path dispatchV1 = Path.of(System.getProperty("sendflowr.dispatchJobJar"));
    Path timingV2 = runDir.resolve("timing-job-v2.jar");
    Path dispatchV2 = runDir.resolve("dispatch-job-v2.jar");
    assertThat(NextVersionJar.build(timingV1, "next-version/timing-job", timingV2))
        .containsExactlyInAnyOrder(
            "com.sendflowr.timing.job.PendingRequest",
            "com.sendflowr.timing.job.state.PendingRequestCodec");
    assertThat(NextVersionJar.build(dispatchV1, "next-version/dispatch-job", dispatchV2))
        .containsExactlyInAnyOrder(
            "com.sendflowr.contract.TimingDecision",
            "com.sendflowr.contract.TimingDecision$Debug",
            "com.sendflowr.contract.TimingDecision$AppliedWeight",
            "com.sendflowr.dispatch.LatestDecisionCodec");

    Pipeline p = Pipeline.create("upgrade");
    try (SandboxEsp klaviyo = SandboxEsp.start(0, Set.of(API_KEY))) {
      String timing = submit(p.timingArgs(timingV1, 1));
      String dispatch = submit(p.dispatchArgs(dispatchV1, 1, klaviyo));
      awaitRunning(timing);
      awaitRunning(dispatch);

      KAFKA.produce(p.signals, "u-2", click("e-2", "u-2"));
      // far enough ahead that the decision is still pending after the upgrade below
      Instant notBefore = Instant.now().plusSeconds(75).truncatedTo(ChronoUnit.SECONDS);
      KAFKA.produce(p.requests, "u-2", request("req-up-1", "u-2", notBefore));
      TimingDecision pending = decisionFor(p, "req-up-1");
      assertThat(pending.status()).as(pending.toString()).isEqualTo(DecisionStatus.SCHEDULED);

      // upgrade: stop both with savepoints, start the new versions from them at parallelism 2
      String timingBeforeUpgrade = stopWithSavepoint(timing);
      String dispatchBeforeUpgrade = stopWithSavepoint(dispatch);
      assertThat(Instant.now())
          .as("upgraded before the trigger")
          .isBefore(pending.triggerTimestampUtc());
      for (String savepoint : List.of(timingBeforeUpgrade, dispatchBeforeUpgrade)) {
        assertThat(savepointHolds(savepoint, ADMITTED_BY_V2)).isFalse();
        assertThat(savepointHolds(savepoint, ADMITTED_BEFORE_V2)).isFalse();
        assertThat(savepointHolds(savepoint, RECEIVED_BY_V2)).isFalse();
      }
      timing = submit(withSavepoint(timingBeforeUpgrade, p.timingArgs(timingV2, 2)));
      dispatch =
          submit(withSavepoint(dispatchBeforeUpgrade, p.dispatchArgs(dispatchV2, 2, klaviyo)));
      awaitRunning(timing);
      awaitRunning(dispatch);
      assertThat(get("/jobs/" + timing).path("vertices").get(0).path("parallelism").asInt())
          .isEqualTo(2);

      // the recipient's history survived: a new request is decided with the click learned before
      KAFKA.produce(
          p.requests,
          "u-2",
          request(
              "req-up-2", "u-2", Instant.now().plusSeconds(10).truncatedTo(ChronoUnit.SECONDS)));
      assertThat(signalCountInExplanation(p, "req-up-2")).isGreaterThanOrEqualTo(1);

      // the pending decision, as decided before the upgrade, fires once at its time (req-up-2's
      // call may come first)
      Instant deadline = pending.triggerTimestampUtc().plusSeconds(30);
      while (callsFor(klaviyo, pending.decisionId()) == 0 && Instant.now().isBefore(deadline)) {
        Thread.sleep(250);
      }
      assertThat(callsFor(klaviyo, pending.decisionId()))
          .as("ESP calls for the pending decision")
          .isEqualTo(1);
      AcceptedEvent sent =
          klaviyo.events().stream()
              .filter(e -> isFor(e, pending.decisionId()))
              .findFirst()
              .orElseThrow();
      assertThat(sent.properties().path("sendflowr_trigger_timestamp_utc").asText())
          .isEqualTo(pending.triggerTimestampUtc().toString());
      DispatchOutcome fired =
          Contracts.parseDispatchOutcome(outcomeOf(p, pending.decisionId())).value();
      assertThat(fired.state()).isEqualTo(OutcomeState.ACCEPTED);
      assertThat(fired.firedAt())
          .as("fired at its time")
          .isAfterOrEqualTo(pending.triggerTimestampUtc())
          .isBefore(pending.triggerTimestampUtc().plusSeconds(30));

      // The new versions' savepoints hold the added fields: the timing job's open requests in
      // format 2, the one admitted before the upgrade (read from format 1 when its outcome marked
      // it dispatched) and the one admitted after it; the decision the dispatch job received
      // after the upgrade. Dispatch first, so the timing job has the outcome read by its stop.
      String dispatchUpgraded = stopWithSavepoint(dispatch);
      String timingUpgraded = stopWithSavepoint(timing);
      assertThat(savepointHolds(timingUpgraded, ADMITTED_BEFORE_V2)).isTrue();
      assertThat(savepointHolds(timingUpgraded, ADMITTED_BY_V2)).isTrue();
      assertThat(savepointHolds(dispatchUpgraded, RECEIVED_BY_V2)).isTrue();

      // rollback: the previous jars at parallelism 1
      timing = submit(withSavepoint(timingBeforeUpgrade, p.timingArgs(timingV1, 1)));
      dispatch = submit(withSavepoint(dispatchUpgraded, p.dispatchArgs(dispatchV1, 1, klaviyo)));
      awaitRunning(timing);
      awaitRunning(dispatch);
      KAFKA.produce(
          p.requests,
          "u-2",
          request(
              "req-up-3", "u-2", Instant.now().plusSeconds(10).truncatedTo(ChronoUnit.SECONDS)));
      assertThat(signalCountInExplanation(p, "req-up-3")).isGreaterThanOrEqualTo(1);

      // The rolled-back timing job re-read Kafka from its savepoint before the upgrade and decided
      // req-up-2 again (the same decision id); the rolled-back dispatch job read the decision it
      // holds for it, written by the new version, and knew it: nothing new was sent.
      List<TimingDecision> reqUp2 = List.of();
      for (Instant until = Instant.now().plusSeconds(30);
          reqUp2.size() < 2 && Instant.now().isBefore(until);
          Thread.sleep(500)) {
        reqUp2 = decisionsFor(p, "req-up-2");
      }
      assertThat(reqUp2).hasSizeGreaterThanOrEqualTo(2);
      assertThat(reqUp2.stream().map(TimingDecision::decisionId).distinct()).hasSize(1);

      // exactly once across the upgrade and the rollback: one outcome and one ESP call for the
      // pending decision, and no idempotency key twice at the ESP
      List<String> outcomesOfPending =
          values(p.outcomes).stream().filter(v -> v.contains(pending.decisionId())).toList();
      assertThat(outcomesOfPending).hasSize(1);
      assertThat(callsFor(klaviyo, pending.decisionId())).isEqualTo(1);
      assertThat(klaviyo.duplicateUniqueIds()).isZero();
      // and neither rolled-back job failed reading its state
      for (String job : List.of(timing, dispatch)) {
        JsonNode failures = get("/jobs/" + job + "/exceptions").path("exceptionHistory");
        assertThat(failures.path("entries").isArray()).as(failures.toString()).isTrue();
        assertThat(failures.path("entries")).as("failures of %s after the rollback", job).isEmpty();
        Result cancelled = script(Duration.ofMinutes(2), "flink", "cancel", job);
        assertThat(cancelled.exitCode()).as(cancelled.output()).isZero();
      }
    }
  }

  // What the new versions' added fields hold (see the sources in src/test/resources/next-version/).
  static final String ADMITTED_BY_V2 = "admitted by timing-job v2";
  static final String ADMITTED_BEFORE_V2 = "admitted before timing-job v2";
  static final String RECEIVED_BY_V2 = "received by dispatch-job v2";

  /**
   * Whether a savepoint's files hold the text: state values are stored as their serializers wrote
   * them (a canonical savepoint, uncompressed), so a string field's UTF-8 is there as is.
   */
  private static boolean savepointHolds(String savepoint, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(Path.of(URI.create(savepoint)))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (indexOf(Files.readAllBytes(f), needle) >= 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The outcome of a decision, waiting up to 60 s for it. */
  private static String outcomeOf(Pipeline p, String decisionId) throws Exception {
    for (Instant deadline = Instant.now().plusSeconds(60); Instant.now().isBefore(deadline); ) {
      for (String v : values(p.outcomes)) {
        if (v.contains("\"" + decisionId + "\"")) {
          return v;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no outcome for " + decisionId);
  }

  private static boolean isFor(AcceptedEvent e, String decisionId) {
    return e.properties().path("sendflowr_decision_id").asText().equals(decisionId);
  }

  private static long callsFor(SandboxEsp klaviyo, String decisionId) {
    return klaviyo.events().stream().filter(e -> isFor(e, decisionId)).count();
  }

  /** The topics and flags of one pipeline (both jobs) on this cluster. */
  record Pipeline(
      String name,
      String signals,
      String requests,
      String decisions,
      String explanations,
      String outcomes,
      String config,
      String deadLetters,
      String handoffs) {
    static Pipeline create(String name) {
      Pipeline p =
          new Pipeline(
              name,
              KAFKA.uniqueTopic("signals"),
              KAFKA.uniqueTopic("send-requests"),
              KAFKA.uniqueTopic("decisions"),
              KAFKA.uniqueTopic("explanations"),
              KAFKA.uniqueTopic("outcomes"),
              KAFKA.uniqueTopic("connector-config"),
              KAFKA.uniqueTopic("dead-letters"),
              KAFKA.uniqueTopic("handoffs"));
      KAFKA.createTopics(
          p.signals,
          p.requests,
          p.decisions,
          p.explanations,
          p.outcomes,
          p.deadLetters,
          p.handoffs);
      KAFKA.createTopic(p.config, 1, Map.of("cleanup.policy", "compact"));
      KAFKA.produce(p.config, "intent_binding:promo_jan", binding());
      return p;
    }

    List<String> timingArgs(Path jar, int parallelism) {
      return List.of(
          "-p",
          String.valueOf(parallelism),
          jar.toString(),
          "--kafka-bootstrap",
          KAFKA.bootstrapServers(),
          "--signals-topic",
          signals,
          "--send-requests-topic",
          requests,
          "--dispatch-outcomes-topic",
          outcomes,
          "--connector-config-topic",
          config,
          "--handoffs-topic",
          handoffs,
          "--decisions-topic",
          decisions,
          "--explanations-topic",
          explanations,
          "--dead-letters-topic",
          deadLetters,
          "--group-id",
          name + "-timing",
          "--transactional-id-prefix",
          name + "-timing",
          "--default-latency",
          "2s",
          "--checkpoint-interval",
          "1s");
    }

    List<String> dispatchArgs(Path jar, int parallelism, SandboxEsp klaviyo) throws IOException {
      Path credentials = runDir.resolve(name + "-credentials.properties");
      Files.writeString(credentials, "brand-a-klaviyo=" + API_KEY + "\n");
      return List.of(
          "-p",
          String.valueOf(parallelism),
          jar.toString(),
          "--kafka-bootstrap",
          KAFKA.bootstrapServers(),
          "--decisions-topic",
          decisions,
          "--connector-config-topic",
          config,
          "--outcomes-topic",
          outcomes,
          "--dead-letters-topic",
          deadLetters,
          "--group-id",
          name + "-dispatch",
          "--transactional-id-prefix",
          name + "-dispatch",
          "--klaviyo-base-url",
          klaviyo.baseUrl(),
          "--credentials-file",
          credentials.toString(),
          "--checkpoint-interval",
          "1s");
    }
  }

  static String binding() {
    return "{\"entity_type\":\"intent_binding\",\"entity_id\":\"promo_jan\",\"version\":1,"
        + "\"changed_at\":\""
        + Instant.now().truncatedTo(ChronoUnit.SECONDS)
        + "\",\"snapshot\":{\"esp\":\"klaviyo\",\"credential_ref\":\"brand-a-klaviyo\","
        + "\"metric_name\":\"SendFlowr Promo Jan\",\"campaign_id\":\"abc123\","
        + "\"template_id\":\"promo-drip\"}}";
  }

  static String click(String eventId, String recipient) {
    return "{\"event_id\":\""
        + eventId
        + "\",\"event_type\":\"click\",\"occurred_at\":\""
        + Instant.now().truncatedTo(ChronoUnit.SECONDS)
        + "\",\"universal_id\":\""
        + recipient
        + "\",\"source\":\"shopify\"}";
  }

  /** A request with the 70 s window the local end-to-end test uses. */
  static String request(String requestId, String recipient, Instant notBefore) {
    return "{\"request_id\":\""
        + requestId
        + "\",\"universal_id\":\""
        + recipient
        + "\",\"intent_id\":\"promo_jan\",\"not_before\":\""
        + notBefore
        + "\",\"not_after\":\""
        + notBefore.plusSeconds(70)
        + "\",\"metadata\":{\"email\":\"sarah@example.com\"}}";
  }

  private static List<TimingDecision> decisionsFor(Pipeline p, String requestId) {
    return values(p.decisions).stream()
        .map(v -> Contracts.parseDecision(v).value())
        .filter(d -> d.requestId().equals(requestId))
        .toList();
  }

  private static TimingDecision decisionFor(Pipeline p, String requestId) throws Exception {
    for (Instant deadline = Instant.now().plusSeconds(90); Instant.now().isBefore(deadline); ) {
      for (String v : values(p.decisions)) {
        TimingDecision d = Contracts.parseDecision(v).value();
        if (d.requestId().equals(requestId)) {
          return d;
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no decision for " + requestId);
  }

  /** The signal count the decision's explanation reports: the recipient's learned history. */
  private static int signalCountInExplanation(Pipeline p, String requestId) throws Exception {
    for (Instant deadline = Instant.now().plusSeconds(90); Instant.now().isBefore(deadline); ) {
      for (String v : values(p.explanations)) {
        JsonNode row = JSON.readTree(v);
        if (row.path("request_id").asText().equals(requestId)) {
          return JSON.readTree(row.path("explanation_json").asText())
              .path("inputs")
              .path("signal_count")
              .asInt();
        }
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no explanation for " + requestId);
  }

  private static final Pattern SAVEPOINT_PATH = Pattern.compile("Path: (\\S+)");

  /** {@code flink stop --savepointPath DIR JOB}: the job's state in a savepoint, the job gone. */
  private static String stopWithSavepoint(String jobId) throws Exception {
    Result stopped =
        script(
            Duration.ofMinutes(3),
            "flink",
            "stop",
            "--savepointPath",
            "file://" + runDir.resolve("flink/savepoints"),
            jobId);
    assertThat(stopped.exitCode()).as(stopped.output()).isZero();
    Matcher m = SAVEPOINT_PATH.matcher(stopped.output());
    assertThat(m.find()).as(stopped.output()).isTrue();
    return m.group(1);
  }

  private static List<String> withSavepoint(String savepoint, List<String> args) {
    List<String> all = new ArrayList<>(List.of("-s", savepoint));
    all.addAll(args);
    return all;
  }

  private static String submit(List<String> args) throws Exception {
    return submit(args.get(0), args.subList(1, args.size()).toArray(String[]::new));
  }

  private static List<String> values(String topic) {
    return KAFKA.consumeAll(topic, Duration.ofSeconds(2)).stream()
        .map(ConsumerRecord::value)
        .toList();
  }

  private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");

  /** {@code scripts/flink-cluster.sh submit JAR ARGS...}; returns the job id the CLI printed. */
  private static String submit(String jar, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("submit", jar));
    command.addAll(List.of(args));
    Result result = script(Duration.ofMinutes(3), command.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.output()).isZero();
    Matcher m = JOB_ID.matcher(result.output());
    assertThat(m.find()).as(result.output()).isTrue();
    return m.group(1);
  }

  private static void awaitRunning(String jobId) throws Exception {
    String state = "";
    for (Instant deadline = Instant.now().plusSeconds(90);
        Instant.now().isBefore(deadline);
        Thread.sleep(500)) {
      JsonNode job = get("/jobs/" + jobId);
      state = job.path("state").asText();
      boolean allRunning = true;
      for (JsonNode vertex : job.path("vertices")) {
        allRunning &= vertex.path("status").asText().equals("RUNNING");
      }
      if (state.equals("RUNNING") && allRunning) {
        return;
      }
      assertThat(state).as("job %s", jobId).isNotIn("FAILED", "CANCELED", "FINISHED");
    }
    throw new AssertionError("job " + jobId + " not running after 90 s: " + state);
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(restUrl + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  record Result(int exitCode, String output) {}

  private static Result script(Duration timeout, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(root.resolve("scripts/flink-cluster.sh").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile());
    builder.environment().putAll(scriptEnv);
    builder.redirectErrorStream(true);
    Path log = Files.createTempFile(runDir, "script", ".log");
    builder.redirectOutput(log.toFile());
    Process process = builder.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "flink-cluster.sh " + String.join(" ", args) + " timed out:\n" + read(log));
    }
    return new Result(process.exitValue(), read(log));
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
