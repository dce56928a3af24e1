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
import com.sendflowr.sandbox.esp.SandboxEsp;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.testkit.SendFlowrMiniCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * A brand moves an intent from Klaviyo to Braze while 1,000 decisions are pending: the whole
 * dispatch job on a MiniCluster, real Kafka, both vendors' sandboxes. What fired before the move
 * went to Klaviyo; every decision pending at the move fires once, at Braze, and none at Klaviyo.
 */
class EspRebindingJobTest {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  private static final String KLAVIYO_KEY = "pk_rebinding_0123456789";
  private static final String BRAZE_KEY = "braze-rest-rebinding-0123";
  private static final int PENDING = 1_000;

  private SandboxEsp klaviyo;
  private SandboxEsp braze;
  private JobClient job;

  @AfterEach
  void stop() throws Exception {
    if (job != null) {
      job.cancel().get();
    }
    klaviyo.close();
    braze.close();
  }

  private static ConfigChange binding(long version, Map<String, Object> snapshot) {
    return new ConfigChange(
        IntentBinding.ENTITY_TYPE, ContractSamples.INTENT, version, Instant.now(), false, snapshot);
  }

  private static TimingDecision due(String requestId, Instant trigger) {
    return ContractSamples.decision(
        requestId,
        1,
        DecisionStatus.SCHEDULED,
        trigger,
        trigger.plusSeconds(3600),
        Map.of("email", requestId + "@example.com"));
  }

  @Test
  void pendingDecisionsFollowTheRebindingToBraze() throws Exception {
    klaviyo = SandboxEsp.start(0, Set.of(KLAVIYO_KEY));
    braze = SandboxEsp.start(new BrazeSandbox(Set.of(BRAZE_KEY)));
    DispatchJobTopics topics = DispatchJobTopics.create(KAFKA);
    String decisions = topics.decisions();
    String config = topics.config();
    String outcomes = topics.outcomes();

    ConfigChange toKlaviyo =
        binding(
            1,
            Map.of(
                "esp", "klaviyo",
                "credential_ref", "brand-a-klaviyo",
                "metric_name", "SendFlowr Promo"));
    KAFKA.produce(config, toKlaviyo.key(), Contracts.toJson(toKlaviyo));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    topics.wire(
        env,
        KAFKA,
        "rebinding",
        Map.of("klaviyo", klaviyo.baseUrl(), "braze", braze.baseUrl()),
        Map.of("brand-a-klaviyo", KLAVIYO_KEY, "brand-a-braze", BRAZE_KEY));
    job = env.executeAsync("dispatch-rebinding");
    SendFlowrMiniCluster.awaitRunning(job);

    // Bound to Klaviyo: a decision due now goes there.
    TimingDecision before = due("req-before", Instant.now());
    KAFKA.produce(decisions, before.requestId(), Contracts.toJson(before));
    assertThat(klaviyo.awaitEvents(1, Duration.ofSeconds(60))).hasSize(1);

    // Decisions pending for a few seconds, then the brand moves the intent to a Braze campaign.
    Instant trigger = Instant.now().plusSeconds(12);
    List<TimingDecision> pending =
        IntStream.range(0, PENDING).mapToObj(i -> due("req-pending-" + i, trigger)).toList();
    KAFKA.produce(
        decisions,
        pending.stream().map(d -> Map.entry(d.requestId(), Contracts.toJson(d))).toList());
    ConfigChange toBraze =
        binding(
            2,
            Map.of("esp", "braze", "credential_ref", "brand-a-braze", "campaign_id", "cmp-promo"));
    KAFKA.produce(config, toBraze.key(), Contracts.toJson(toBraze));

    List<AcceptedEvent> atBraze = braze.awaitEvents(PENDING, Duration.ofSeconds(90));
    assertThat(atBraze)
        .extracting(e -> e.properties().get("sendflowr_request_id").asText())
        .containsExactlyInAnyOrderElementsOf(
            pending.stream().map(TimingDecision::requestId).toList());
    assertThat(atBraze).allSatisfy(e -> assertThat(e.metricName()).isEqualTo("cmp-promo"));
    assertThat(atBraze)
        .allSatisfy(
            e ->
                assertThat(e.receivedAt())
                    .as("never before the trigger")
                    .isAfterOrEqualTo(trigger.minusMillis(1)));
    assertThat(braze.duplicateUniqueIds()).isZero();

    List<JsonNode> accepted = new ArrayList<>();
    for (var record : KAFKA.consumeAtLeast(outcomes, PENDING + 1, Duration.ofSeconds(60))) {
      JsonNode outcome = Contracts.mapper().readTree(record.value());
      if (outcome.path("state").asText().equals("accepted")) {
        accepted.add(outcome);
      }
    }
    assertThat(accepted)
        .filteredOn(o -> o.path("esp").asText().equals("braze"))
        .hasSize(PENDING)
        .allSatisfy(o -> assertThat(o.path("esp_response_id").asText()).isNotBlank());
    // Nothing more reached Klaviyo after the move.
    assertThat(klaviyo.events()).hasSize(1);
    assertThat(klaviyo.events().get(0).properties().get("sendflowr_request_id").asText())
        .isEqualTo("req-before");
  }
}
