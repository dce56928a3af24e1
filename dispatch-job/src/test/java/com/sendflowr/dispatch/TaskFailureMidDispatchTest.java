package com.sendflowr.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.sandbox.esp.AcceptedEvent;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A TaskManager dies in the middle of dispatching 10,000 due decisions: the whole dispatch job on a
 * MiniCluster at parallelism 2, the real broker, the Klaviyo sandbox (which de-duplicates on {@code
 * unique_id} per profile and metric, as Klaviyo documents). The job restores from its last
 * checkpoint on a fresh TaskManager and fires again what that checkpoint had not yet recorded as
 * dispatched. For each decision Klaviyo then holds exactly one event and the outcomes topic exactly
 * one committed outcome; none is missing. The job sends them in bulk create jobs, so the kill falls
 * between or during those, with dispatches still in the batcher's buffer.
 */
class TaskFailureMidDispatchTest {
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  private static final String KEY = "pk_task_failure_0123456789";
  private static final String INTENT = "promo_jan";
  private static final int DECISIONS = 10_000;
  private static final int KILL_AFTER_EVENTS = 3_000;

  private SandboxEsp klaviyo;
  private JobClient job;

  @AfterEach
  void stop() throws Exception {
    if (job != null && !job.getJobStatus().get().isGloballyTerminalState()) {
      job.cancel().get();
    }
    klaviyo.close();
  }

  private static TimingDecision decision(int i, Instant trigger) {
    String requestId = "req-" + i;
    String decisionId = "dec-" + requestId + "-v1";
    Instant target = trigger.plusSeconds(2);
    return new TimingDecision(
        decisionId,
        requestId,
        INTENT,
        "user-" + i,
        1,
        DecisionStatus.SCHEDULED,
        null,
        MinuteOfWeek.of(target),
        target,
        trigger,
        2.0,
        "configured_default",
        0.5,
        "test",
        "expl-" + decisionId,
        trigger.minus(Duration.ofMinutes(10)),
        trigger.plus(Duration.ofHours(1)),
        Map.of("email", "user-" + i + "@example.com"),
        null);
  }

  @Test
  void aKilledTaskManagerMidDispatchLeavesOneEventAndOneOutcomePerDecision(
      @InjectMiniCluster MiniCluster cluster) throws Exception {
    klaviyo = SandboxEsp.start(0, Set.of(KEY));
    DispatchJobTopics topics = DispatchJobTopics.create(KAFKA);
    String decisions = topics.decisions();
    String config = topics.config();
    String outcomes = topics.outcomes();

    // The account's own limits, well above Klaviyo's defaults, so 10,000 calls take seconds.
    Map<String, Object> snapshot = new HashMap<>();
    snapshot.put("esp", "klaviyo");
    snapshot.put("credential_ref", "brand-a-klaviyo");
    snapshot.put("metric_name", "SendFlowr Promo");
    snapshot.put("rate_limit_per_second", 2_000);
    snapshot.put("rate_limit_per_minute", 120_000);
    ConfigChange binding =
        new ConfigChange(IntentBinding.ENTITY_TYPE, INTENT, 1, Instant.now(), false, snapshot);
    KAFKA.produce(config, binding.key(), Contracts.toJson(binding));

    // All due in the same few seconds, once the job is up and has read them.
    Instant trigger = Instant.now().plusSeconds(25);
    List<ProducerRecord<String, String>> records = new ArrayList<>();
    for (int i = 0; i < DECISIONS; i++) {
      TimingDecision d = decision(i, trigger.plusMillis(i % 2_000));
      records.add(new ProducerRecord<>(decisions, d.requestId(), Contracts.toJson(d)));
    }
    KAFKA.produceRecords(records);

    // The fault: once the ESP has been sent KILL_AFTER_EVENTS events (in bulk create jobs of up to
    // 1,000, or alone), the TaskManager running every task is terminated (its in-flight calls may
    // still reach the ESP, their answers are lost) and a fresh one is started for the restore.
    AtomicInteger sent = new AtomicInteger();
    CompletableFuture<Void> killed = new CompletableFuture<>();
    klaviyo.onCall(
        call -> {
          int before = sent.getAndAdd(eventsIn(call));
          if (before < KILL_AFTER_EVENTS && before + eventsIn(call) >= KILL_AFTER_EVENTS) {
            CompletableFuture.runAsync(
                () -> {
                  try {
                    cluster.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
                    cluster.startTaskManager();
                    killed.complete(null);
                  } catch (Exception e) {
                    killed.completeExceptionally(e);
                  }
                });
          }
        });

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    topics.wire(
        env,
        KAFKA,
        "task-failure",
        Map.of("klaviyo", klaviyo.baseUrl()),
        Map.of("brand-a-klaviyo", KEY));
    job = env.executeAsync("dispatch-task-failure");
    SendFlowrMiniCluster.awaitRunning(job);

    killed.get(3, TimeUnit.MINUTES);
    List<AcceptedEvent> events = klaviyo.awaitEvents(DECISIONS, Duration.ofMinutes(4));
    KAFKA.consumeAtLeast(outcomes, DECISIONS, Duration.ofMinutes(2));
    assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

    // Exactly one event per decision at the ESP.
    Map<String, Long> eventsPerRequest =
        events.stream()
            .collect(
                Collectors.groupingBy(
                    e -> e.properties().path("sendflowr_request_id").asText(),
                    Collectors.counting()));
    assertThat(eventsPerRequest).hasSize(DECISIONS);
    assertThat(eventsPerRequest.values()).allMatch(n -> n == 1);

    // Exactly one committed outcome per decision, each accepted (read once the topic has been
    // quiet for a few checkpoints, so a late repeat would be seen).
    List<JsonNode> outcomeList = new ArrayList<>();
    for (ConsumerRecord<String, String> record :
        KAFKA.consumeAll(outcomes, Duration.ofSeconds(5))) {
      outcomeList.add(Contracts.mapper().readTree(record.value()));
    }
    Map<String, List<JsonNode>> outcomesPerRequest =
        outcomeList.stream().collect(Collectors.groupingBy(o -> o.path("request_id").asText()));
    assertThat(outcomesPerRequest).hasSize(DECISIONS);
    assertThat(outcomesPerRequest.values()).allMatch(list -> list.size() == 1);
    assertThat(outcomeList)
        .extracting(o -> o.path("state").asText())
        .containsOnly("accepted")
        .hasSize(DECISIONS);

    // One idempotency key per decision; what the restore repeated, the ESP absorbed.
    assertThat(klaviyo.uniqueIdCounts()).hasSize(DECISIONS);
    int eventsSent =
        klaviyo.calls().stream().filter(c -> c.status() == 202).mapToInt(c -> eventsIn(c)).sum();
    assertThat(eventsSent).isEqualTo(DECISIONS + (int) klaviyo.suppressedDuplicates());
    assertThat(klaviyo.calls().size()).as("batched").isLessThan(DECISIONS / 10);
    System.out.printf(
        "calls %d, events sent %d, events %d, repeats absorbed by the ESP %d%n",
        klaviyo.calls().size(), eventsSent, events.size(), klaviyo.suppressedDuplicates());
  }

  /** Events a call carried: a bulk create job's entries, else one. */
  private static int eventsIn(RecordedCall call) {
    if (!call.path().equals(SandboxEsp.BULK_CREATE_EVENTS_PATH)) {
      return 1;
    }
    return call.bodyJson().at("/data/attributes/events-bulk-create/data").size();
  }
}
