package com.sendflowr.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The async ESP call on a real Flink runtime against the sandbox Klaviyo, told to misbehave the way
 * Klaviyo does: rate limits with Retry-After, outages, permanent rejections.
 */
class EspCallerTest {
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  static final String KEY = "pk_caller_test_9876";
  static final Instant TRIGGER = Instant.parse("2026-01-05T10:00:00Z");

  /** Longer than the 1 s Retry-After the rate-limit test honours, shorter than 3 s. */
  static final Duration MAX_DELAY = Duration.ofMillis(1500);

  private SandboxEsp klaviyo;

  @BeforeEach
  void start() {
    klaviyo = SandboxEsp.start(0, Set.of(KEY));
  }

  @AfterEach
  void stop() {
    klaviyo.close();
  }

  static IntentBinding binding(String metricName) {
    return new IntentBinding(
        "promo_jan@klaviyo",
        "promo_jan",
        "klaviyo",
        "brand-a",
        "brand-a-klaviyo",
        metricName,
        "abc123",
        null,
        null,
        null,
        null,
        "promo-drip",
        null,
        null,
        null,
        300,
        false,
        1);
  }

  static DispatchCommand command(String requestId, IntentBinding binding) {
    var decision =
        ContractSamples.decision(
            requestId, 1, DecisionStatus.SCHEDULED, TRIGGER, TRIGGER.plusSeconds(3600), Map.of());
    return new DispatchCommand(
        decision,
        binding,
        IdempotencyKeys.of(decision.decisionId(), binding.bindingId()),
        TRIGGER.plusMillis(150));
  }

  private List<DispatchOutcome> call(String apiKey, int maxAttempts, DispatchCommand... commands)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    JobEnvironment.configure(env, Duration.ofSeconds(10));
    env.setParallelism(1);
    EspCaller caller =
        new EspCaller(
            List.of(new KlaviyoAdapter()),
            Map.of(KlaviyoAdapter.NAME, klaviyo.baseUrl()),
            CredentialStore.of(Map.of("brand-a-klaviyo", apiKey)),
            new RetryPolicy(maxAttempts, Duration.ofMillis(50), MAX_DELAY),
            Duration.ofSeconds(5));
    List<DispatchOutcome> outcomes = new ArrayList<>();
    try (CloseableIterator<DispatchOutcome> it =
        AsyncDataStream.unorderedWait(
                env.fromData(List.of(commands), JsonRecordTypeInfo.of(DispatchCommand.class)),
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

  @Test
  void aRetryAfterBeyondTheRetryBudgetFailsAtOnceInsteadOfOutlivingTheTimeout() throws Exception {
    klaviyo.faults().next(1).status(429).retryAfterSeconds(3);

    DispatchOutcome outcome = call(KEY, 5, command("req-slow-429", binding("Promo"))).get(0);

    assertThat(outcome.state()).isEqualTo(OutcomeState.FAILED);
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(outcome.espStatus()).isEqualTo(429);
    Thread.sleep(3_500); // nothing is sent after the outcome, not even once Retry-After passed
    assertThat(klaviyo.calls()).hasSize(1);
  }

  @Test
  void rateLimitsAreRetriedAfterTheEspsRetryAfterWithTheSameIdempotencyKey() throws Exception {
    klaviyo.faults().next(2).status(429).retryAfterSeconds(1);

    DispatchOutcome outcome = call(KEY, 5, command("req-429", binding("Promo"))).get(0);

    assertThat(outcome.state()).isEqualTo(OutcomeState.ACCEPTED);
    assertThat(outcome.attempts()).isEqualTo(3);
    assertThat(outcome.espStatus()).isEqualTo(202);
    List<RecordedCall> calls = klaviyo.calls();
    assertThat(calls).extracting(RecordedCall::status).containsExactly(429, 429, 202);
    assertThat(calls)
        .extracting(c -> c.bodyJson().path("data").path("attributes").path("unique_id").asText())
        .containsOnly(outcome.idempotencyKey());
    assertThat(Duration.between(calls.get(0).receivedAt(), calls.get(1).receivedAt()))
        .as("Retry-After: 1 is honoured")
        .isGreaterThanOrEqualTo(Duration.ofMillis(950));
    assertThat(klaviyo.events()).hasSize(1);
  }

  @Test
  void serverErrorsBackOffAndSucceed() throws Exception {
    klaviyo.faults().next(1).status(503);

    DispatchOutcome outcome = call(KEY, 5, command("req-503", binding("Promo"))).get(0);

    assertThat(outcome.state()).isEqualTo(OutcomeState.ACCEPTED);
    assertThat(outcome.attempts()).isEqualTo(2);
    assertThat(klaviyo.calls()).extracting(RecordedCall::status).containsExactly(503, 202);
  }

  @Test
  void aLastingOutageEndsAsFailedAfterTheAllowedAttempts() throws Exception {
    klaviyo.faults().always().status(503);

    DispatchOutcome outcome = call(KEY, 3, command("req-down", binding("Promo"))).get(0);

    assertThat(outcome.state()).isEqualTo(OutcomeState.FAILED);
    assertThat(outcome.attempts()).isEqualTo(3);
    assertThat(outcome.espStatus()).isEqualTo(503);
    assertThat(klaviyo.calls()).hasSize(3);
  }

  @Test
  void aPermanentRejectionIsDeadLetteredAtOnceWithTheEspsErrorBody() throws Exception {
    DispatchOutcome outcome =
        call(KEY, 5, command("req-bad", binding("M".repeat(200)))).get(0); // Klaviyo: < 128 chars

    assertThat(outcome.state()).isEqualTo(OutcomeState.DEAD_LETTERED);
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(outcome.espStatus()).isEqualTo(400);
    assertThat(outcome.detail()).contains("errors").contains("metric");
    assertThat(klaviyo.calls()).hasSize(1);
  }

  @Test
  void aRejectedKeyIsNeverRepeatedInTheOutcome() throws Exception {
    String wrongKey = "pk_wrong_key_555";

    DispatchOutcome outcome = call(wrongKey, 5, command("req-401", binding("Promo"))).get(0);

    assertThat(outcome.state()).isEqualTo(OutcomeState.DEAD_LETTERED);
    assertThat(outcome.espStatus()).isEqualTo(401);
    assertThat(outcome.detail()).doesNotContain(wrongKey);
  }

  @Test
  void manyDispatchesInFlightEachEndInExactlyOneOutcome() throws Exception {
    klaviyo.faults().next(3).status(429).retryAfterSeconds(0);
    DispatchCommand[] commands = new DispatchCommand[20];
    for (int i = 0; i < commands.length; i++) {
      commands[i] = command("req-" + i, binding("Promo"));
    }

    List<DispatchOutcome> outcomes = call(KEY, 5, commands);

    assertThat(outcomes).hasSize(20).allMatch(o -> o.state() == OutcomeState.ACCEPTED);
    assertThat(outcomes).extracting(DispatchOutcome::requestId).doesNotHaveDuplicates();
    assertThat(klaviyo.events()).hasSize(20);
    assertThat(klaviyo.duplicateUniqueIds()).isZero();
  }
}
