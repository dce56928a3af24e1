package com.sendflowr.dispatch;

import static com.sendflowr.dispatch.EspCallerTest.BREAKER;
import static com.sendflowr.dispatch.EspCallerTest.KEY;
import static com.sendflowr.dispatch.EspCallerTest.MAX_DELAY;
import static com.sendflowr.dispatch.EspCallerTest.binding;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.ContractSamples;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.dispatch.esp.IdempotencyKeys;
import com.sendflowr.dispatch.esp.KlaviyoAdapter;
import com.sendflowr.dispatch.esp.RetryPolicy;
import com.sendflowr.flink.JobEnvironment;
import com.sendflowr.flink.JsonRecordTypeInfo;
import com.sendflowr.sandbox.esp.RecordedCall;
import com.sendflowr.sandbox.esp.SandboxEsp;
import com.sendflowr.testkit.SendFlowrMiniCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The async ESP call with batches of dispatches, against the sandbox Klaviyo: one bulk create job
 * per batch, and still one outcome per dispatch with its own budget, its own verdict, its own dry
 * run.
 */
class EspBatchCallTest {
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  private SandboxEsp klaviyo;

  @BeforeEach
  void start() {
    klaviyo = SandboxEsp.start(0, Set.of(KEY));
  }

  @AfterEach
  void stop() {
    klaviyo.close();
  }

  private static DispatchCommand command(
      String requestId, IntentBinding binding, Map<String, String> metadata) {
    Instant trigger = Instant.now();
    var decision =
        ContractSamples.decision(
            requestId, 1, DecisionStatus.SCHEDULED, trigger, trigger.plusSeconds(3600), metadata);
    return new DispatchCommand(
        decision,
        binding,
        IdempotencyKeys.of(decision.decisionId(), binding.bindingId()),
        trigger.plusMillis(150));
  }

  private static DispatchBatch batch(String prefix, int n, IntentBinding binding) {
    return new DispatchBatch(
        IntStream.range(0, n).mapToObj(i -> command(prefix + i, binding, Map.of())).toList());
  }

  private List<DispatchOutcome> call(DispatchBatch... batches) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    JobEnvironment.configure(env, Duration.ofSeconds(10));
    env.setParallelism(1);
    EspCaller caller =
        new EspCaller(
            List.of(new KlaviyoAdapter()),
            Map.of(KlaviyoAdapter.NAME, klaviyo.baseUrl()),
            CredentialStore.of(Map.of("brand-a-klaviyo", KEY)),
            new RetryPolicy(Duration.ofMillis(50), MAX_DELAY),
            Duration.ofSeconds(5),
            BREAKER);
    List<DispatchOutcome> outcomes = new ArrayList<>();
    try (CloseableIterator<DispatchOutcome> it =
        AsyncDataStream.unorderedWait(
                env.fromData(List.of(batches), JsonRecordTypeInfo.of(DispatchBatch.class)),
                caller,
                60,
                TimeUnit.SECONDS,
                10)
            .returns(JsonRecordTypeInfo.of(DispatchOutcome.class))
            .executeAndCollect()) {
      it.forEachRemaining(outcomes::add);
    }
    return outcomes;
  }

  private static Set<String> uniqueIds(RecordedCall bulk) {
    Set<String> ids = new HashSet<>();
    for (JsonNode entry : bulk.bodyJson().at("/data/attributes/events-bulk-create/data")) {
      ids.add(entry.at("/attributes/events/data/0/attributes/unique_id").asText());
    }
    return ids;
  }

  @Test
  void aBatchIsOneBulkCreateJobWithOneAcceptedOutcomePerDispatch() throws Exception {
    DispatchBatch batch = batch("req-bulk-", 5, binding("Promo"));

    List<DispatchOutcome> outcomes = call(batch);

    assertThat(klaviyo.calls())
        .singleElement()
        .satisfies(c -> assertThat(c.path()).isEqualTo(SandboxEsp.BULK_CREATE_EVENTS_PATH));
    assertThat(outcomes).hasSize(5).allMatch(o -> o.state() == OutcomeState.ACCEPTED);
    assertThat(outcomes).allMatch(o -> o.attempts() == 1 && o.espStatus() == 202);
    assertThat(outcomes)
        .extracting(DispatchOutcome::requestId)
        .containsExactlyInAnyOrderElementsOf(
            batch.commands().stream().map(c -> c.decision().requestId()).toList());
    assertThat(klaviyo.events()).hasSize(5);
    assertThat(klaviyo.duplicateUniqueIds()).isZero();
  }

  @Test
  void aRateLimitedBatchIsRetriedWholeWithTheSameUniqueIds() throws Exception {
    klaviyo.faults().next(1).status(429).retryAfterSeconds(1);
    DispatchBatch batch = batch("req-429-", 3, binding("Promo"));

    List<DispatchOutcome> outcomes = call(batch);

    assertThat(outcomes).hasSize(3).allMatch(o -> o.state() == OutcomeState.ACCEPTED);
    assertThat(outcomes).allMatch(o -> o.attempts() == 2);
    List<RecordedCall> calls = klaviyo.calls();
    assertThat(calls).extracting(RecordedCall::status).containsExactly(429, 202);
    assertThat(uniqueIds(calls.get(1))).isEqualTo(uniqueIds(calls.get(0))).hasSize(3);
    assertThat(klaviyo.events()).hasSize(3);
  }

  @Test
  void aRefusedBatchIsSentOneByOneSoOnlyTheInvalidDispatchIsDeadLettered() throws Exception {
    IntentBinding b = binding("Promo");
    // Klaviyo refuses a string over 100 KB, and with it the whole bulk job.
    DispatchCommand invalid =
        command("req-invalid", b, Map.of("note", "x".repeat(SandboxEsp.MAX_STRING_CHARS + 1)));
    List<DispatchCommand> commands = new ArrayList<>(batch("req-valid-", 3, b).commands());
    commands.add(1, invalid);

    List<DispatchOutcome> outcomes = call(new DispatchBatch(commands));

    assertThat(outcomes).hasSize(4);
    assertThat(outcomes)
        .filteredOn(o -> o.state() == OutcomeState.ACCEPTED)
        .extracting(DispatchOutcome::requestId)
        .containsExactlyInAnyOrder("req-valid-0", "req-valid-1", "req-valid-2");
    assertThat(outcomes)
        .filteredOn(o -> o.state() == OutcomeState.DEAD_LETTERED)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.requestId()).isEqualTo("req-invalid");
              assertThat(o.espStatus()).isEqualTo(400);
              assertThat(o.detail()).contains("cannot exceed");
            });
    List<RecordedCall> calls = klaviyo.calls();
    assertThat(calls.get(0).path()).isEqualTo(SandboxEsp.BULK_CREATE_EVENTS_PATH);
    assertThat(calls.get(0).status()).isEqualTo(400);
    assertThat(calls.subList(1, calls.size()))
        .hasSize(4)
        .allMatch(c -> c.path().equals(SandboxEsp.CREATE_EVENT_PATH));
    assertThat(klaviyo.events()).hasSize(3);
    assertThat(klaviyo.duplicateUniqueIds()).isZero();
  }

  @Test
  void aDispatchLeavesTheBatchWhenItsOwnBudgetEndsAndTheOthersGoOn() throws Exception {
    klaviyo.faults().always().status(503);
    Thread recovery =
        new Thread(
            () -> {
              try {
                Thread.sleep(9_000); // the outage, longer than the short budget
              } catch (InterruptedException e) {
                return;
              }
              klaviyo.faults().clear();
            });
    recovery.start();
    DispatchCommand shortBudget = command("req-short", binding("Promo", 6), Map.of());
    DispatchCommand longBudget = command("req-long", binding("Promo", 60), Map.of());

    List<DispatchOutcome> outcomes = call(new DispatchBatch(List.of(shortBudget, longBudget)));
    recovery.join();

    assertThat(outcomes).hasSize(2);
    DispatchOutcome expired =
        outcomes.stream().filter(o -> o.requestId().equals("req-short")).findFirst().orElseThrow();
    DispatchOutcome accepted =
        outcomes.stream().filter(o -> o.requestId().equals("req-long")).findFirst().orElseThrow();
    assertThat(expired.state()).isEqualTo(OutcomeState.EXPIRED);
    assertThat(expired.detail()).contains("503").contains("handed back");
    assertThat(accepted.state()).isEqualTo(OutcomeState.ACCEPTED);
    assertThat(accepted.attempts()).isGreaterThan(expired.attempts());
    // After the short one left, the long one went alone, by Create Event.
    assertThat(klaviyo.events())
        .singleElement()
        .satisfies(e -> assertThat(e.path()).isEqualTo(SandboxEsp.CREATE_EVENT_PATH));
  }

  @Test
  void aDryRunBatchRecordsEachDispatchsRequestRedactedAndCallsNothing() throws Exception {
    DispatchBatch batch = batch("req-dry-", 3, binding("Promo dry", 300, true));

    List<DispatchOutcome> outcomes = call(batch);

    assertThat(outcomes).hasSize(3).allMatch(o -> o.state() == OutcomeState.DRY_RUN);
    assertThat(outcomes)
        .allSatisfy(
            o ->
                assertThat(o.detail())
                    .contains(SandboxEsp.BULK_CREATE_EVENTS_PATH)
                    .contains("3 dispatches")
                    .contains(o.idempotencyKey())
                    .contains("[redacted]")
                    .doesNotContain(KEY));
    assertThat(klaviyo.calls()).isEmpty();
  }
}
