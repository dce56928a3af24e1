package com.sendflowr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.configservice.ConfigService;
import com.sendflowr.configservice.CredentialCipher;
import com.sendflowr.configservice.ExplanationsReader;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.CredentialStore;
import com.sendflowr.sandbox.esp.AcceptedEvent;
import com.sendflowr.sandbox.esp.BrazeSandbox;
import com.sendflowr.sandbox.esp.SandboxEsp;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.testkit.PostgresExtension;
import com.sendflowr.testkit.SendFlowrMiniCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's story, end to end on real components: through the config service's API (on
 * PostgreSQL) create intent promo_jan, bind it to Klaviyo metric/campaign abc123 with template
 * promo-drip, make Shopify site visits its hot path; the service publishes that to the config
 * topic, and a send request then becomes a call to the sandbox Klaviyo carrying those ids. Then
 * rebind the intent to a Braze campaign through the API: the next decision goes to Braze, with
 * neither job restarted and the recipient's learned timing state still there.
 */
class ConfigServiceUserStoryTest {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  static final String API_KEY = "pk_sandbox_story_5678";
  static final String BRAZE_KEY = "braze-rest-story-4321";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private SandboxEsp klaviyo;
  private SandboxEsp braze;
  private ConfigService service;
  private JobClient timing;
  private JobClient dispatch;

  @AfterEach
  void stop() throws Exception {
    for (JobClient job : new JobClient[] {timing, dispatch}) {
      if (job != null) {
        job.cancel().get();
      }
    }
    if (service != null) {
      service.close();
    }
    for (SandboxEsp esp : new SandboxEsp[] {klaviyo, braze}) {
      if (esp != null) {
        esp.close();
      }
    }
  }

  @Test
  void anIntentConfiguredThroughTheApiReachesKlaviyoThenFollowsARebindingToBraze()
      throws Exception {
    PipelineTopics topics = PipelineTopics.createdOn(KAFKA);
    klaviyo = SandboxEsp.start(0, Set.of(API_KEY));
    braze = SandboxEsp.start(new BrazeSandbox(Set.of(BRAZE_KEY)));

    Path credentials = dir.resolve("credentials.properties");
    service = startService(POSTGRES, KAFKA, topics, credentials, null);
    String api = service.apiUrl("127.0.0.1");
    String token = service.bootstrapAdminToken().orElseThrow();

    post(api, token, "/intents", "{\"intent_id\":\"promo_jan\",\"name\":\"Promo January\"}");
    post(
        api,
        token,
        "/esp-accounts",
        "{\"account_id\":\"brand-a-klaviyo\",\"name\":\"Brand A\",\"esp\":\"klaviyo\","
            + "\"api_base_url\":\"https://a.klaviyo.com\",\"credential\":\""
            + API_KEY
            + "\"}");
    post(
        api,
        token,
        "/bindings",
        "{\"binding_id\":\"promo_jan-klaviyo\",\"intent_id\":\"promo_jan\","
            + "\"account_id\":\"brand-a-klaviyo\",\"metric_name\":\"abc123\","
            + "\"campaign_id\":\"abc123\",\"template_id\":\"promo-drip\"}");
    post(
        api,
        token,
        "/signal-mappings",
        "{\"mapping_id\":\"shopify-site_visit.promo_jan\",\"signal_type\":\"site_visit\","
            + "\"source\":\"shopify\",\"intent_id\":\"promo_jan\",\"role\":\"hot_path\"}");
    awaitPublished(api, token);

    LocalPipeline pipeline =
        new LocalPipeline(
            KAFKA.bootstrapServers(),
            topics,
            "jdbc:h2:mem:story;DB_CLOSE_DELAY=-1",
            Map.of("klaviyo", klaviyo.baseUrl(), "braze", braze.baseUrl()),
            CredentialStore.fromFile(credentials),
            Duration.ofMillis(500),
            "story");
    timing = pipeline.startTiming(env());
    dispatch = pipeline.startDispatch(env());
    SendFlowrMiniCluster.awaitRunning(timing);
    SendFlowrMiniCluster.awaitRunning(dispatch);

    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    KAFKA.produce(
        topics.signals(),
        "u-1",
        "{\"event_id\":\"v-1\",\"event_type\":\"site_visit\",\"occurred_at\":\""
            + now
            + "\",\"universal_id\":\"u-1\",\"source\":\"shopify\"}");
    Instant notBefore = now.plusSeconds(8);
    KAFKA.produce(
        topics.sendRequests(),
        "u-1",
        "{\"request_id\":\"req-1\",\"universal_id\":\"u-1\",\"intent_id\":\"promo_jan\","
            + "\"not_before\":\""
            + notBefore
            + "\",\"not_after\":\""
            + notBefore.plus(Duration.ofSeconds(70))
            + "\",\"metadata\":{\"email\":\"sarah@example.com\"}}");

    List<TimingDecision> decisions =
        KAFKA.consumeAtLeast(topics.decisions(), 1, Duration.ofSeconds(60)).stream()
            .map(r -> Contracts.parseDecision(r.value()).value())
            .toList();
    TimingDecision decision = decisions.get(decisions.size() - 1);
    Duration untilTrigger = Duration.between(Instant.now(), decision.triggerTimestampUtc());
    List<AcceptedEvent> events =
        klaviyo.awaitEvents(
            1, (untilTrigger.isNegative() ? Duration.ZERO : untilTrigger).plusSeconds(30));
    AcceptedEvent event = events.get(0);
    assertThat(event.metricName()).isEqualTo("abc123");
    JsonNode properties = event.properties();
    assertThat(properties.path("sendflowr_intent_id").asText()).isEqualTo("promo_jan");
    assertThat(properties.path("campaign_id").asText()).isEqualTo("abc123");
    assertThat(properties.path("template").asText()).isEqualTo("promo-drip");
    assertThat(event.profileEmail()).isEqualTo("sarah@example.com");

    // The rebinding: a Braze account and a Braze binding made active through the API, which
    // retires the Klaviyo binding in the same change.
    post(
        api,
        token,
        "/esp-accounts",
        "{\"account_id\":\"brand-a-braze\",\"name\":\"Brand A Braze\",\"esp\":\"braze\","
            + "\"credential\":\""
            + BRAZE_KEY
            + "\"}");
    post(
        api,
        token,
        "/bindings",
        "{\"binding_id\":\"promo_jan-braze\",\"intent_id\":\"promo_jan\","
            + "\"account_id\":\"brand-a-braze\",\"campaign_id\":\"braze-promo-jan\"}");
    awaitPublished(api, token);
    // The dispatch job reads the key of the new account from the same credentials file, which the
    // service rewrites; the running job resolves credentials when it calls.
    Instant second = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(8);
    KAFKA.produce(
        topics.sendRequests(),
        "u-1",
        "{\"request_id\":\"req-2\",\"universal_id\":\"u-1\",\"intent_id\":\"promo_jan\","
            + "\"not_before\":\""
            + second
            + "\",\"not_after\":\""
            + second.plus(Duration.ofSeconds(70))
            + "\"}");

    TimingDecision next =
        KAFKA
            .consumeAtLeast(topics.decisions(), decisions.size() + 1, Duration.ofSeconds(60))
            .stream()
            .map(r -> Contracts.parseDecision(r.value()).value())
            .filter(d -> d.requestId().equals("req-2"))
            .findFirst()
            .orElseThrow();
    // The same learned state decides (only time has moved on, by seconds).
    assertThat(next.confidenceScore())
        .as("the recipient's learned state survived the rebinding")
        .isCloseTo(decision.confidenceScore(), within(0.01));
    assertThat(next.modelVersion()).isEqualTo(decision.modelVersion());
    Duration untilNext = Duration.between(Instant.now(), next.triggerTimestampUtc());
    List<AcceptedEvent> atBraze =
        braze.awaitEvents(1, (untilNext.isNegative() ? Duration.ZERO : untilNext).plusSeconds(30));
    assertThat(atBraze)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.metricName()).isEqualTo("braze-promo-jan");
              assertThat(e.properties().path("sendflowr_request_id").asText()).isEqualTo("req-2");
            });
    assertThat(klaviyo.events()).as("nothing more at Klaviyo").hasSize(1);
    assertThat(timing.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    assertThat(dispatch.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
  }

  /**
   * The config service on a fresh database of {@code postgres}, publishing to {@code kafka}'s
   * config topic and keeping the dispatch job's credentials in {@code credentials}.
   *
   * @param explanations the explorer's store; null for none
   */
  static ConfigService startService(
      PostgresExtension postgres,
      KafkaBrokerExtension kafka,
      PipelineTopics topics,
      Path credentials,
      ExplanationsReader explanations) {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    return ConfigService.start(
        new ConfigService.Options(
            postgres.freshDatabase(),
            postgres.user(),
            postgres.password(),
            "127.0.0.1",
            0,
            CredentialCipher.ofBase64(Base64.getEncoder().encodeToString(key)),
            kafka.bootstrapServers(),
            topics.connectorConfig(),
            credentials),
        explanations);
  }

  private static void post(String api, String token, String path, String json) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(201);
  }

  /** Until every committed change is on the config topic. */
  static void awaitPublished(String api, String token) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (true) {
      JsonNode status =
          Contracts.mapper()
              .readTree(
                  HTTP.send(
                          HttpRequest.newBuilder(URI.create(api + "/status"))
                              .header("Authorization", "Bearer " + token)
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body());
      if (status.get("published_position").asLong() == status.get("outbox_position").asLong()) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("config not published: " + status);
      }
      Thread.sleep(100);
    }
  }

  private static StreamExecutionEnvironment env() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    return env;
  }
}
