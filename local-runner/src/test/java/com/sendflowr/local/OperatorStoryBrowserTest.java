package com.sendflowr.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.configservice.ConfigService;
import com.sendflowr.configservice.ExplanationsReader;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.CredentialStore;
import com.sendflowr.explanations.DeadLetterLog;
import com.sendflowr.explanations.DispatchLog;
import com.sendflowr.explanations.ExplanationStore;
import com.sendflowr.sandbox.esp.AcceptedEvent;
import com.sendflowr.sandbox.esp.BrazeSandbox;
import com.sendflowr.sandbox.esp.SandboxEsp;
import com.sendflowr.testkit.BrowserScripts;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.testkit.PostgresExtension;
import com.sendflowr.testkit.SendFlowrMiniCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spec's user story by hand, from the browser, with the whole system running: the config
 * service (PostgreSQL) serving the operator UI, the timing and dispatch jobs and the audit loader
 * on a MiniCluster with the real broker, and the sandbox Klaviyo and Braze. In the browser ({@code
 * config-service/ui/e2e/operator-story.test.mjs}) the operator sets promo_jan up and binds it to
 * Klaviyo; a request then reaches Klaviyo. The operator rebinds it to Braze on the canvas; the next
 * request reaches Braze, and the decision explorer shows that decision, made by the jobs, with its
 * curve, its chosen minute and its dispatch at Braze.
 */
class OperatorStoryBrowserTest {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  static final Path UI_DIR = Path.of("..", "config-service", "ui").toAbsolutePath().normalize();
  static final String KLAVIYO_KEY = "pk_sandbox_browser_2468";
  static final String BRAZE_KEY = "braze-rest-browser-1357";

  @TempDir Path dir;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  @Test
  void anOperatorRunsTheStoryFromTheBrowser() throws Exception {
    BrowserScripts.chromium(); // fails early, with how to get one
    PipelineTopics topics = PipelineTopics.createdOn(KAFKA);
    SandboxEsp klaviyo = SandboxEsp.start(0, Set.of(KLAVIYO_KEY));
    toClose.add(klaviyo);
    SandboxEsp braze = SandboxEsp.start(new BrazeSandbox(Set.of(BRAZE_KEY)));
    toClose.add(braze);

    // The audit store the loader writes and the explorer reads: embedded H2, as locally.
    String store = "jdbc:h2:mem:story-browser;DB_CLOSE_DELAY=-1";
    Connection keepAlive = DriverManager.getConnection(store);
    toClose.add(keepAlive);
    try (Statement st = keepAlive.createStatement()) {
      st.execute(ExplanationStore.ddlFor(store));
      st.execute(DispatchLog.DEFINITION.ddlFor(store));
      st.execute(DeadLetterLog.DEFINITION.ddlFor(store));
    }

    Path credentials = dir.resolve("credentials.properties");
    ConfigService service =
        ConfigServiceUserStoryTest.startService(
            POSTGRES, KAFKA, topics, credentials, ExplanationsReader.ofJdbc(store));
    toClose.add(service);
    String api = service.apiUrl("127.0.0.1");
    String token = service.bootstrapAdminToken().orElseThrow();
    Map<String, String> browser = new HashMap<>();
    browser.put("SENDFLOWR_UI_URL", service.uiUrl("127.0.0.1").orElseThrow());
    browser.put("SENDFLOWR_API_URL", api);
    browser.put("SENDFLOWR_ADMIN_TOKEN", token);
    browser.put("SENDFLOWR_KLAVIYO_KEY", KLAVIYO_KEY);
    browser.put("SENDFLOWR_BRAZE_KEY", BRAZE_KEY);
    browser.put(
        "SENDFLOWR_SCREENSHOT_DIR",
        Path.of("target", "ui-screenshots").toAbsolutePath().toString());

    step("configure", browser);
    ConfigServiceUserStoryTest.awaitPublished(api, token);

    LocalPipeline pipeline =
        new LocalPipeline(
            KAFKA.bootstrapServers(),
            topics,
            store,
            Map.of("klaviyo", klaviyo.baseUrl(), "braze", braze.baseUrl()),
            CredentialStore.fromFile(credentials),
            Duration.ofMillis(500),
            "story-browser");
    for (JobClient job :
        List.of(
            pipeline.startTiming(env()),
            pipeline.startDispatch(env()),
            pipeline.startExplanationLoader(env()))) {
      toClose.add(() -> job.cancel().get());
      SendFlowrMiniCluster.awaitRunning(job);
    }

    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    KAFKA.produce(
        topics.signals(),
        "u-1",
        "{\"event_id\":\"v-1\",\"event_type\":\"site_visit\",\"occurred_at\":\""
            + now
            + "\",\"universal_id\":\"u-1\",\"source\":\"shopify\"}");
    TimingDecision first = request(topics, "req-1");
    assertThat(klaviyo.awaitEvents(1, untilTrigger(first))).hasSize(1);

    step("rebind", browser);
    ConfigServiceUserStoryTest.awaitPublished(api, token);
    TimingDecision second = request(topics, "req-2");
    List<AcceptedEvent> atBraze = braze.awaitEvents(1, untilTrigger(second));
    assertThat(atBraze)
        .singleElement()
        .satisfies(e -> assertThat(e.metricName()).isEqualTo("braze-promo-jan"));
    assertThat(klaviyo.events()).as("nothing more at Klaviyo").hasSize(1);
    awaitDispatchLogged(store, second.decisionId());

    browser.put("SENDFLOWR_DECISION_ID", second.decisionId());
    step("explore", browser);
  }

  /** A send request for u-1 due in a few seconds, and its (latest) decision. */
  private static TimingDecision request(PipelineTopics topics, String requestId) throws Exception {
    Instant notBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(8);
    KAFKA.produce(
        topics.sendRequests(),
        "u-1",
        "{\"request_id\":\""
            + requestId
            + "\",\"universal_id\":\"u-1\",\"intent_id\":\"promo_jan\",\"not_before\":\""
            + notBefore
            + "\",\"not_after\":\""
            + notBefore.plus(Duration.ofSeconds(70))
            + "\",\"metadata\":{\"email\":\"sarah@example.com\"}}");
    Instant deadline = Instant.now().plusSeconds(60);
    while (true) {
      List<TimingDecision> mine =
          KAFKA.consumeAll(topics.decisions(), Duration.ofSeconds(1)).stream()
              .map(r -> Contracts.parseDecision(r.value()).value())
              .filter(d -> d.requestId().equals(requestId))
              .toList();
      if (!mine.isEmpty()) {
        return mine.get(mine.size() - 1);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("no decision for " + requestId);
      }
    }
  }

  private static Duration untilTrigger(TimingDecision d) {
    Duration until = Duration.between(Instant.now(), d.triggerTimestampUtc());
    return (until.isNegative() ? Duration.ZERO : until).plusSeconds(30);
  }

  /** Until the loader has put the decision's outcome into the store the explorer reads. */
  private static void awaitDispatchLogged(String store, String decisionId) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    try (Connection c = DriverManager.getConnection(store);
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM dispatch_log WHERE decision_id = ?")) {
      ps.setString(1, decisionId);
      while (true) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) > 0) {
            return;
          }
        }
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError("the outcome of " + decisionId + " never reached dispatch_log");
        }
        Thread.sleep(200);
      }
    }
  }

  private static void step(String name, Map<String, String> browser) throws Exception {
    Map<String, String> env = new HashMap<>(browser);
    env.put("SENDFLOWR_STORY_STEP", name);
    BrowserScripts.run(
        UI_DIR,
        "e2e/operator-story.test.mjs",
        env,
        Path.of("target", "ui-story-" + name + ".log"),
        Duration.ofMinutes(3));
  }

  private static StreamExecutionEnvironment env() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    return env;
  }
}
