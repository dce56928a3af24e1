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
