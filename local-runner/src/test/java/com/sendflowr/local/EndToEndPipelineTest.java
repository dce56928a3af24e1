package com.sendflowr.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.CredentialStore;
import com.sendflowr.explanations.DeadLetterLog;
import com.sendflowr.explanations.DispatchLog;
import com.sendflowr.explanations.ExplanationStore;
import com.sendflowr.sandbox.esp.AcceptedEvent;
import com.sendflowr.sandbox.esp.RecordedCall;
import com.sendflowr.sandbox.esp.SandboxEsp;
import com.sendflowr.testkit.ClickHouseExtension;
import com.sendflowr.testkit.KafkaBrokerExtension;
import com.sendflowr.testkit.SendFlowrMiniCluster;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole pipeline end to end on real components: a real Kafka broker, a real ClickHouse, both
 * jobs on a Flink MiniCluster, and the sandbox Klaviyo speaking Klaviyo's wire format.
 */
class EndToEndPipelineTest {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final ClickHouseExtension CLICKHOUSE = new ClickHouseExtension();

  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  static final String API_KEY = "pk_sandbox_e2e_1234";

  private SandboxEsp klaviyo;
  private JobClient timing;
  private JobClient dispatch;
  private JobClient loader;

  @AfterEach
  void stop() throws Exception {
    for (JobClient job : new JobClient[] {timing, dispatch, loader}) {
      if (job != null) {
        job.cancel().get();
      }
    }
    if (klaviyo != null) {
      klaviyo.close();
    }
  }

  @Test
  void aSendRequestBecomesExactlyOneKlaviyoCallAtItsTriggerTime() throws Exception {
    PipelineTopics topics = PipelineTopics.createdOn(KAFKA);

    String database = CLICKHOUSE.freshDatabase();
    CLICKHOUSE.execute(database, ExplanationStore.CLICKHOUSE_DDL);
    CLICKHOUSE.execute(database, DispatchLog.CLICKHOUSE_DDL);
    CLICKHOUSE.execute(database, DeadLetterLog.DEFINITION.clickHouseDdl());

    klaviyo = SandboxEsp.start(0, java.util.Set.of(API_KEY));
    ConfigChange binding =
        new ConfigChange(
            IntentBinding.ENTITY_TYPE,
            "promo_jan",
            1,
            Instant.now(),
            false,
            Map.of(
                "esp", "klaviyo",
                "credential_ref", "brand-a-klaviyo",
                "metric_name", "SendFlowr Promo Jan",
                "campaign_id", "abc123",
                "template_id", "promo-drip"));
    KAFKA.produce(topics.connectorConfig(), binding.key(), Contracts.toJson(binding));
    // A binding without its credential_ref: dead-lettered with the field it lacks.
    ConfigChange malformed =
        new ConfigChange(
            IntentBinding.ENTITY_TYPE,
            "promo_feb",
            1,
            Instant.now(),
            false,
            Map.of("esp", "klaviyo"));
    KAFKA.produce(topics.connectorConfig(), malformed.key(), Contracts.toJson(malformed));

    LocalPipeline pipeline =
        new LocalPipeline(
            KAFKA.bootstrapServers(),
            topics,
            CLICKHOUSE.jdbcUrl(database),
            Map.of("klaviyo", klaviyo.baseUrl()),
            CredentialStore.of(Map.of("brand-a-klaviyo", API_KEY)),
            Duration.ofMillis(500),
            "e2e");
    timing = pipeline.startTiming(env());
    dispatch = pipeline.startDispatch(env());
    loader = pipeline.startExplanationLoader(env());
    SendFlowrMiniCluster.awaitRunning(timing);
    SendFlowrMiniCluster.awaitRunning(dispatch);
    SendFlowrMiniCluster.awaitRunning(loader);

    // A malformed signal first: it must be dead-lettered and must not stop what follows.
    KAFKA.produce(topics.signals(), "u-1", "{\"event_id\": \"broken\", \"event_type\": ");
    KAFKA.produce(
        topics.signals(),
        "u-1",
        "{\"event_id\":\"e-1\",\"event_type\":\"click\",\"occurred_at\":\""
            + Instant.now().truncatedTo(ChronoUnit.SECONDS)
            + "\",\"universal_id\":\"u-1\",\"source\":\"shopify\"}");
    Instant notBefore = Instant.now().plusSeconds(8).truncatedTo(ChronoUnit.SECONDS);
    KAFKA.produce(
        topics.sendRequests(),
        "u-1",
        "{\"request_id\":\"req-1\",\"universal_id\":\"u-1\",\"intent_id\":\"promo_jan\","
            + "\"not_before\":\""
            + notBefore
            + "\",\"not_after\":\""
            // A window of about a minute: the model may place the send anywhere inside it.
            + notBefore.plus(Duration.ofSeconds(70))
            + "\",\"metadata\":{\"email\":\"sarah@example.com\",\"campaign_hint\":\"jan\"}}");

    TimingDecision decision =
        Contracts.parseDecision(
                KAFKA.consumeAtLeast(topics.decisions(), 1, Duration.ofSeconds(60)).get(0).value())
            .value();
    assertThat(decision.intentId()).isEqualTo("promo_jan");
    assertThat(decision.triggerTimestampUtc())
        .isEqualTo(
            decision
                .targetTimestampUtc()
                .minusMillis((long) (decision.latencyEstimateSeconds() * 1000)));

    // The model may place the send at the window's far end, over a minute away: wait for the
    // trigger time itself, then allow the dispatcher its margin.
    Duration untilTrigger = Duration.between(Instant.now(), decision.triggerTimestampUtc());
    List<AcceptedEvent> events =
        klaviyo.awaitEvents(
            1, (untilTrigger.isNegative() ? Duration.ZERO : untilTrigger).plusSeconds(30));
    AcceptedEvent event = events.get(0);
    assertThat(event.receivedAt())
        .as("fired no earlier than the trigger time")
        .isAfterOrEqualTo(decision.triggerTimestampUtc());
    assertThat(Duration.between(decision.triggerTimestampUtc(), event.receivedAt()))
        .as("fired within 2 s after the trigger time")
        .isLessThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(event.metricName()).isEqualTo("SendFlowr Promo Jan");
    JsonNode properties = event.properties();
    assertThat(properties.path("sendflowr_intent_id").asText()).isEqualTo("promo_jan");
    assertThat(properties.path("sendflowr_request_id").asText()).isEqualTo("req-1");
    assertThat(properties.path("sendflowr_decision_id").asText()).isEqualTo(decision.decisionId());
    assertThat(properties.path("sendflowr_explanation_ref").asText())
        .isEqualTo(decision.explanationRef());
    assertThat(properties.path("campaign_id").asText()).isEqualTo("abc123");
    assertThat(properties.path("template").asText()).isEqualTo("promo-drip");
    assertThat(properties.path("metadata").path("campaign_hint").asText()).isEqualTo("jan");
    assertThat(event.profileEmail()).isEqualTo("sarah@example.com");
    RecordedCall call = klaviyo.calls().get(0);
    assertThat(call.status()).isEqualTo(202);
    assertThat(call.header("revision")).isEqualTo("2026-07-15");

    DispatchOutcome outcome =
        Contracts.parseDispatchOutcome(
                KAFKA.consumeAtLeast(topics.outcomes(), 1, Duration.ofSeconds(30)).get(0).value())
            .value();
    assertThat(outcome.state()).isEqualTo(OutcomeState.ACCEPTED);
    assertThat(outcome.espStatus()).isEqualTo(202);
    assertThat(outcome.idempotencyKey()).isEqualTo(event.uniqueId());

    // The explanation loader copies the row from Kafka to ClickHouse, shortly after the decision.
    String byDecision =
        "SELECT decision_id, intent_id, explanation_ref, target_minute_utc, trigger_timestamp_ms"
            + " FROM timing_explanations FINAL WHERE decision_id = '"
            + decision.decisionId()
            + "'";
    List<Map<String, Object>> rows = CLICKHOUSE.query(database, byDecision);
    for (Instant deadline = Instant.now().plusSeconds(30);
        rows.isEmpty() && Instant.now().isBefore(deadline); ) {
      Thread.sleep(200);
      rows = CLICKHOUSE.query(database, byDecision);
    }
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0))
        .containsEntry("intent_id", "promo_jan")
        .containsEntry("explanation_ref", decision.explanationRef());
    assertThat(((Number) rows.get(0).get("target_minute_utc")).intValue())
        .isEqualTo(decision.targetMinuteUtc());

    // ... and the dispatch outcome to dispatch_log: what fired when, where, and the ESP's answer.
    String outcomeByDecision =
        "SELECT state, esp, binding_id, esp_status, idempotency_key, fired_at_ms"
            + " FROM dispatch_log FINAL WHERE decision_id = '"
            + decision.decisionId()
            + "'";
    List<Map<String, Object>> logged = CLICKHOUSE.query(database, outcomeByDecision);
    for (Instant deadline = Instant.now().plusSeconds(30);
        logged.isEmpty() && Instant.now().isBefore(deadline); ) {
      Thread.sleep(200);
      logged = CLICKHOUSE.query(database, outcomeByDecision);
    }
    assertThat(logged).hasSize(1);
    assertThat(logged.get(0))
        .containsEntry("state", "accepted")
        .containsEntry("esp", "klaviyo")
        .containsEntry("idempotency_key", outcome.idempotencyKey());
    assertThat(Integer.parseInt(String.valueOf(logged.get(0).get("esp_status")))).isEqualTo(202);
    // ClickHouse quotes 64-bit integers in JSON
    assertThat(Long.parseLong(String.valueOf(logged.get(0).get("fired_at_ms"))))
        .isEqualTo(outcome.firedAt().toEpochMilli());

    Map<String, DeadLetter> deadByStage =
        KAFKA.consumeAtLeast(topics.deadLetters(), 2, Duration.ofSeconds(30)).stream()
            .map(r -> Contracts.parseDeadLetter(r.value()).value())
            .collect(Collectors.toMap(DeadLetter::stage, d -> d));
    assertThat(deadByStage).hasSize(2);
    DeadLetter dead = deadByStage.get("timing-job/signals");
    assertThat(dead.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
    assertThat(dead.payload()).contains("broken");
    DeadLetter badBinding = deadByStage.get("dispatch-job/connector-config");
    assertThat(badBinding.reason()).isEqualTo(RejectReason.INVALID_FIELD);
    assertThat(badBinding.detail()).contains("credential_ref");
    assertThat(badBinding.payload()).contains("promo_feb");

    // The loader also keeps the dead letters in ClickHouse, countable by stage and reason.
    String byStage = "SELECT stage, reason FROM dead_letters FINAL ORDER BY stage";
    List<Map<String, Object>> stored = CLICKHOUSE.query(database, byStage);
    for (Instant deadline = Instant.now().plusSeconds(30);
        stored.size() < 2 && Instant.now().isBefore(deadline); ) {
      Thread.sleep(200);
      stored = CLICKHOUSE.query(database, byStage);
    }
    assertThat(stored)
        .extracting(r -> r.get("stage") + "/" + r.get("reason"))
        .containsExactly(
            "dispatch-job/connector-config/invalid_field", "timing-job/signals/malformed_json");

    // Exactly one call: nothing else arrives once the pipeline has settled.
    Thread.sleep(3_000);
    assertThat(klaviyo.calls()).hasSize(1);
    assertThat(klaviyo.duplicateUniqueIds()).isZero();
    assertThat(timing.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
    assertThat(dispatch.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
  }

  private static StreamExecutionEnvironment env() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    return env;
  }
}
