package com.sendflowr.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.sandbox.esp.AcceptedEvent;
import com.sendflowr.sandbox.esp.BrazeSandbox;
import com.sendflowr.sandbox.esp.IterableSandbox;
import com.sendflowr.sandbox.esp.RecordedCall;
import com.sendflowr.sandbox.esp.SandboxEsp;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.testkit.SendFlowrMiniCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Micro-batching on the whole job: a MiniCluster at parallelism 2, real Kafka, both vendors'
 * sandboxes. Thousands of decisions due at the same moment for one Klaviyo account reach Klaviyo in
 * bulk create jobs of at most 1,000 events, and hundreds for one Braze campaign reach Braze 50
 * recipients a call; each decision is accepted exactly once and has exactly one outcome.
 */
class DispatchBatchingJobTest {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  private static final String KLAVIYO_KEY = "pk_batching_0123456789";
  private static final String BRAZE_KEY = "braze-rest-batching-0123";
  private static final String BRAZE_INTENT = "promo_braze";
  private static final int AT_KLAVIYO = 2_000;
  private static final int AT_BRAZE = 500;
  private static final String ITERABLE_KEY = "iterable-batching-0123";
  private static final String ITERABLE_INTENT = "promo_iterable";
  private static final int AT_ITERABLE = 90;
  private static final int ITERABLE_PER_SECOND = 20;

  private SandboxEsp klaviyo;
  private SandboxEsp braze;
  private SandboxEsp iterable;
  private JobClient job;

  @AfterEach
  void stop() throws Exception {
    if (job != null) {
      job.cancel().get();
    }
    klaviyo.close();
    braze.close();
    iterable.close();
  }

  private static ConfigChange binding(String intent, Map<String, Object> snapshot) {
    return new ConfigChange(IntentBinding.ENTITY_TYPE, intent, 1, Instant.now(), false, snapshot);
  }

  private static TimingDecision due(String requestId, String intent, Instant trigger) {
    TimingDecision d =
        ContractSamples.decision(
            requestId,
            1,
            DecisionStatus.SCHEDULED,
            trigger,
            trigger.plusSeconds(3600),
            Map.of("email", requestId + "@example.com"));
    return new TimingDecision(
        d.decisionId(),
        d.requestId(),
        intent,
        "u-" + requestId,
        d.version(),
        d.status(),
        d.supersedes(),
        d.targetMinuteUtc(),
        d.targetTimestampUtc(),
        d.triggerTimestampUtc(),
        d.latencyEstimateSeconds(),
        d.latencySource(),
        d.confidenceScore(),
        d.modelVersion(),
        d.explanationRef(),
        d.createdAtUtc(),
        d.notAfter(),
        d.metadata(),
        d.debug());
  }

  @Test
  void decisionsDueTogetherGoInBulkJobsAndBrazeBatchesEachAcceptedOnce() throws Exception {
    klaviyo = SandboxEsp.start(0, Set.of(KLAVIYO_KEY));
    braze = SandboxEsp.start(new BrazeSandbox(Set.of(BRAZE_KEY)));
    // Iterable has no batch endpoint: its dispatches are spread over both subtasks, and the
    // sandbox enforces the account's limit as Iterable would (429 beyond it).
    iterable =
        SandboxEsp.start(new IterableSandbox(Set.of(ITERABLE_KEY)))
            .enforceRateLimit(ITERABLE_PER_SECOND, ITERABLE_PER_SECOND * 60);
    DispatchJobTopics topics = DispatchJobTopics.create(KAFKA);
    String decisions = topics.decisions();
    String config = topics.config();
    String outcomes = topics.outcomes();

    ConfigChange toKlaviyo =
        binding(
            ContractSamples.INTENT,
            Map.of(
                "esp", "klaviyo",
                "account", "brand-a",
                "credential_ref", "brand-a-klaviyo",
                "metric_name", "SendFlowr Promo"));
    ConfigChange toBraze =
        binding(
            BRAZE_INTENT,
            Map.of(
                "esp", "braze",
                "account", "brand-a",
                "credential_ref", "brand-a-braze",
                "campaign_id", "cmp-promo"));
    ConfigChange toIterable =
        binding(
            ITERABLE_INTENT,
            Map.of(
                "esp", "iterable",
                "account", "brand-a",
                "credential_ref", "brand-a-iterable",
                "workflow_id", "4242",
                "rate_limit_per_second", ITERABLE_PER_SECOND));
    KAFKA.produce(config, toKlaviyo.key(), Contracts.toJson(toKlaviyo));
    KAFKA.produce(config, toBraze.key(), Contracts.toJson(toBraze));
    KAFKA.produce(config, toIterable.key(), Contracts.toJson(toIterable));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    topics.wire(
        env,
        KAFKA,
        "batching",
        Map.of(
            "klaviyo", klaviyo.baseUrl(), "braze", braze.baseUrl(), "iterable", iterable.baseUrl()),
        Map.of(
            "brand-a-klaviyo",
            KLAVIYO_KEY,
            "brand-a-braze",
            BRAZE_KEY,
            "brand-a-iterable",
            ITERABLE_KEY));
    job = env.executeAsync("dispatch-batching");
    SendFlowrMiniCluster.awaitRunning(job);

    // All due at the same moment, a few seconds out so that every one is read in time.
    Instant trigger = Instant.now().plusSeconds(8);
    List<TimingDecision> all = new ArrayList<>();
    IntStream.range(0, AT_KLAVIYO)
        .mapToObj(i -> due("req-k-" + i, ContractSamples.INTENT, trigger))
        .forEach(all::add);
    IntStream.range(0, AT_BRAZE)
        .mapToObj(i -> due("req-b-" + i, BRAZE_INTENT, trigger))
        .forEach(all::add);
    IntStream.range(0, AT_ITERABLE)
        .mapToObj(i -> due("req-i-" + i, ITERABLE_INTENT, trigger))
        .forEach(all::add);
    KAFKA.produce(
        decisions, all.stream().map(d -> Map.entry(d.requestId(), Contracts.toJson(d))).toList());

    List<AcceptedEvent> atKlaviyo = klaviyo.awaitEvents(AT_KLAVIYO, Duration.ofSeconds(120));
    List<AcceptedEvent> atBraze = braze.awaitEvents(AT_BRAZE, Duration.ofSeconds(120));
    List<AcceptedEvent> atIterable = iterable.awaitEvents(AT_ITERABLE, Duration.ofSeconds(120));

    // Iterable: called from both subtasks, which together keep to the account's limit. Each
    // pacing at the whole limit would draw about half the calls a 429; a loaded machine may still
    // bunch a call or two across the sandbox's one-second boundary (each is retried after it).
    assertThat(iterable.rateLimitedCalls()).as("calls the ESP refused with 429").isLessThan(4);
    assertThat(atIterable).hasSize(AT_ITERABLE);

    // Klaviyo: bulk jobs of at most 1,000 events, far fewer calls than decisions.
    List<RecordedCall> klaviyoCalls = klaviyo.calls();
    assertThat(klaviyoCalls).allSatisfy(c -> assertThat(c.status()).isEqualTo(202));
    assertThat(klaviyoCalls.size())
        .as("calls for %d decisions", AT_KLAVIYO)
        .isLessThanOrEqualTo(20);
    assertThat(klaviyoCalls)
        .filteredOn(c -> c.path().equals(SandboxEsp.BULK_CREATE_EVENTS_PATH))
        .allSatisfy(
            c ->
                assertThat(c.bodyJson().at("/data/attributes/events-bulk-create/data").size())
                    .isBetween(2, 1_000));
    assertThat(atKlaviyo).hasSize(AT_KLAVIYO);
    assertThat(klaviyo.uniqueIdCounts())
        .hasSize(AT_KLAVIYO)
        .allSatisfy((k, n) -> assertThat(n).isOne());

    // Braze: at most 50 recipients a call.
    List<RecordedCall> brazeCalls = braze.calls();
    assertThat(brazeCalls).allSatisfy(c -> assertThat(c.status()).isEqualTo(201));
    assertThat(brazeCalls)
        .allSatisfy(c -> assertThat(c.bodyJson().get("recipients").size()).isBetween(1, 50));
    assertThat(brazeCalls.size()).isBetween(AT_BRAZE / 50, AT_BRAZE / 5);
    assertThat(atBraze).hasSize(AT_BRAZE);
    assertThat(braze.uniqueIdCounts())
        .hasSize(AT_BRAZE)
        .allSatisfy((k, n) -> assertThat(n).isOne());

    List<AcceptedEvent> events = new ArrayList<>(atKlaviyo);
    events.addAll(atBraze);
    assertThat(events)
        .allSatisfy(
            e ->
                assertThat(e.receivedAt())
                    .as("never before the trigger")
                    .isAfterOrEqualTo(trigger.minusMillis(1)));

    // One outcome per decision, accepted, with the ESP it went to.
    Map<String, List<JsonNode>> byDecision = new HashMap<>();
    for (var record : KAFKA.consumeAtLeast(outcomes, all.size(), Duration.ofSeconds(60))) {
      JsonNode outcome = Contracts.mapper().readTree(record.value());
      byDecision
          .computeIfAbsent(outcome.path("decision_id").asText(), k -> new ArrayList<>())
          .add(outcome);
    }
    assertThat(byDecision).hasSize(all.size());
    for (TimingDecision d : all) {
      List<JsonNode> its = byDecision.get(d.decisionId());
      assertThat(its).as(d.decisionId()).hasSize(1);
      assertThat(its.get(0).path("state").asText()).isEqualTo("accepted");
      assertThat(its.get(0).path("esp").asText())
          .isEqualTo(
              switch (d.intentId()) {
                case BRAZE_INTENT -> "braze";
                case ITERABLE_INTENT -> "iterable";
                default -> "klaviyo";
              });
    }
  }
}
