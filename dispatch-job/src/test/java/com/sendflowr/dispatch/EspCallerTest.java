package com.sendflowr.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.config.AccountSettings;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.config.RateLimits;
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
import java.util.Arrays;
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
 * Klaviyo does: rate limits with Retry-After, outages, refused keys, slow answers, permanent
 * rejections. Lateness budgets are seconds here so the tests stay short; in production they are
 * minutes (the binding's {@code max_lateness_seconds}).
 */
class EspCallerTest {
  @RegisterExtension static final MiniClusterExtension FLINK = SendFlowrMiniCluster.extension();

  static final String KEY = "pk_caller_test_9876";

  /** Longer than the 1 s Retry-After the rate-limit test honours. */
  static final Duration MAX_DELAY = Duration.ofMillis(1500);

  /**
   * A lateness budget for tests that let it run out: longer than starting the job on a busy
   * machine, so the first call happens within it.
   */
  static final long SHORT_BUDGET_SECONDS = 8;

  /** Opens after 5 failures of the last 10 calls, and lets calls through again after 1 s. */
  static final EspCaller.BreakerSettings BREAKER =
      new EspCaller.BreakerSettings(10, 5, Duration.ofSeconds(1));

  private SandboxEsp klaviyo;

  @BeforeEach
  void start() {
    klaviyo = SandboxEsp.start(0, Set.of(KEY));
  }

  @AfterEach
  void stop() {
    klaviyo.close();
  }

  static IntentBinding binding(String metricName, long maxLatenessSeconds) {
    return binding(metricName, maxLatenessSeconds, false);
  }

  static IntentBinding binding(String metricName, long maxLatenessSeconds, boolean dryRun) {
    return binding(metricName, maxLatenessSeconds, dryRun, AccountSettings.NONE);
  }

  static IntentBinding binding(
      String metricName, long maxLatenessSeconds, boolean dryRun, AccountSettings account) {
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
        maxLatenessSeconds,
        dryRun,
        1,
        account);
  }

  static IntentBinding binding(String metricName) {
    return binding(metricName, 300);
  }

  /** A decision due now, fired by the scheduler a moment after its trigger. */
  static DispatchCommand command(String requestId, IntentBinding binding) {
    return command(requestId, binding, Instant.now());
  }

  static DispatchCommand command(String requestId, IntentBinding binding, Instant trigger) {
    var decision =
        ContractSamples.decision(
            requestId, 1, DecisionStatus.SCHEDULED, trigger, trigger.plusSeconds(3600), Map.of());
    return new DispatchCommand(
        decision,
        binding,
        IdempotencyKeys.of(decision.decisionId(), binding.bindingId()),
        trigger.plusMillis(150));
  }

  private List<DispatchOutcome> call(String apiKey, DispatchCommand... commands) throws Exception {
    return call(apiKey, Duration.ofSeconds(5), commands);
  }

  private List<DispatchOutcome> call(
      String apiKey, Duration requestTimeout, DispatchCommand... commands) throws Exception {
    return call(apiKey, requestTimeout, Map.of(KlaviyoAdapter.NAME, klaviyo.baseUrl()), commands);
  }

  private List<DispatchOutcome> call(
      String apiKey,
      Duration requestTimeout,
      Map<String, String> deploymentBaseUrls,
      DispatchCommand... commands)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    JobEnvironment.configure(env, Duration.ofSeconds(10));
    env.setParallelism(1);
    EspCaller caller =
        new EspCaller(
            List.of(new KlaviyoAdapter()),
            deploymentBaseUrls,
            CredentialStore.of(Map.of("brand-a-klaviyo", apiKey)),
            new RetryPolicy(Duration.ofMillis(50), MAX_DELAY),
            requestTimeout,
            BREAKER);
    List<DispatchOutcome> outcomes = new ArrayList<>();
    try (CloseableIterator<DispatchOutcome> it =
        AsyncDataStream.unorderedWait(
                env.fromData(
                    Arrays.stream(commands).map(DispatchBatch::of).toList(),
                    JsonRecordTypeInfo.of(DispatchBatch.class)),
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
  void aRetryAfterBeyondTheLatenessBudgetExpiresAtOnceAndIsNeverSentLate() throws Exception {
    klaviyo.faults().next(1).status(429).retryAfterSeconds(600);

    DispatchOutcome outcome = call(KEY, command("req-slow-429", binding("Promo", 300))).get(0);

    assertThat(outcome.state()).isEqualTo(OutcomeState.EXPIRED);
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(outcome.espStatus()).isEqualTo(429);
    assertThat(outcome.detail()).contains("handed back");
    assertThat(klaviyo.calls()).hasSize(1);
  }

  @Test
  void rateLimitsAreRetriedAfterTheEspsRetryAfterWithTheSameIdempotencyKey() throws Exception {
    klaviyo.faults().next(2).status(429).retryAfterSeconds(1);

    DispatchOutcome outcome = call(KEY, command("req-429", binding("Promo"))).get(0);

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

    DispatchOutcome outcome = call(KEY, command("req-503", binding("Promo"))).get(0);

    assertThat(outcome.state()).isEqualTo(OutcomeState.ACCEPTED);
    assertThat(outcome.attempts()).isEqualTo(2);
    assertThat(klaviyo.calls()).extracting(RecordedCall::status).containsExactly(503, 202);
  }

  @Test
  void anOutageLongerThanAnyRetryScheduleButWithinTheBudgetIsDeliveredOnceAfterRecovery()
      throws Exception {
    klaviyo.faults().always().status(503);
    Thread recovery =
        new Thread(
            () -> {
              try {
                Thread.sleep(6_000); // the outage
              } catch (InterruptedException e) {
                return;
              }
              klaviyo.faults().clear();
            });
    recovery.start();
    DispatchCommand[] commands = new DispatchCommand[5];
    for (int i = 0; i < commands.length; i++) {
      commands[i] = command("req-outage-" + i, binding("Promo", 30));
    }

    List<DispatchOutcome> outcomes = call(KEY, commands);
    recovery.join();

    assertThat(outcomes).hasSize(5).allMatch(o -> o.state() == OutcomeState.ACCEPTED);
    assertThat(klaviyo.events()).hasSize(5);
    assertThat(klaviyo.duplicateUniqueIds()).isZero();
    List<RecordedCall> calls = klaviyo.calls();
    long failedCalls = calls.stream().filter(c -> c.status() == 503).count();
    assertThat(failedCalls).as("calls during the outage").isPositive();
    // Without the breaker each of the 5 would retry every 0.75-1.5 s for 6 s (about 40 calls);
    // with it open, calls wait instead of hammering the ESP.
    assertThat(failedCalls).as("the breaker holds calls back").isLessThan(30);
  }

  @Test
  void anOutageBeyondTheBudgetEndsExpiredAndHandedBackNeverFailed() throws Exception {
    klaviyo.faults().always().status(503);

    DispatchOutcome outcome =
        call(KEY, command("req-down", binding("Promo", SHORT_BUDGET_SECONDS))).get(0);

    assertThat(outcome.state()).isEqualTo(OutcomeState.EXPIRED);
    assertThat(outcome.attempts()).isGreaterThan(1);
    assertThat(outcome.detail()).contains("503").contains("handed back");
    assertThat(klaviyo.events()).isEmpty();
  }

  @Test
  void aTimeoutWithTheRequestInFlightEndsPossiblySentNeverFailed() throws Exception {
    klaviyo.faults().delay(Duration.ofSeconds(3)); // every answer comes after the HTTP timeout

    DispatchOutcome outcome =
        call(
                KEY,
                Duration.ofMillis(400),
                command("req-slow", binding("Promo", SHORT_BUDGET_SECONDS)))
            .get(0);

    assertThat(outcome.state()).isEqualTo(OutcomeState.POSSIBLY_SENT);
    assertThat(outcome.detail()).contains("not accepted within its lateness budget");
  }

  @Test
  void aCommandPastItsBudgetWhenTheCallIsDueIsNotSent() throws Exception {
    // As after a restore that re-triggers an in-flight call minutes later.
    Instant longAgo = Instant.now().minus(Duration.ofMinutes(10));

    DispatchOutcome outcome =
        call(KEY, command("req-restored", binding("Promo", 300), longAgo)).get(0);

    assertThat(outcome.state()).isEqualTo(OutcomeState.EXPIRED);
    assertThat(outcome.attempts()).isZero();
    assertThat(klaviyo.calls()).isEmpty();
  }

  @Test
  void aDryRunRecordsTheFullRequestWithTheKeyRedactedAndCallsNothing() throws Exception {
    IntentBinding dry = binding("Promo dry", 300, true);

    DispatchOutcome outcome = call(KEY, command("req-dry", dry)).get(0);

    assertThat(outcome.state()).isEqualTo(OutcomeState.DRY_RUN);
    assertThat(outcome.attempts()).isZero();
    assertThat(outcome.detail())
        .contains("/api/events")
        .contains("Promo dry") // the metric the real call would carry
        .contains(outcome.idempotencyKey())
        .contains("[redacted]")
        .doesNotContain(KEY);
    assertThat(klaviyo.calls()).isEmpty();
  }

  @Test
  void aPermanentRejectionIsDeadLetteredAtOnceWithTheEspsErrorBody() throws Exception {
    DispatchOutcome outcome =
        call(KEY, command("req-bad", binding("M".repeat(200)))).get(0); // Klaviyo: < 128 chars

    assertThat(outcome.state()).isEqualTo(OutcomeState.DEAD_LETTERED);
    assertThat(outcome.attempts()).isEqualTo(1);
    assertThat(outcome.espStatus()).isEqualTo(400);
    assertThat(outcome.detail()).contains("errors").contains("metric");
    assertThat(klaviyo.calls()).hasSize(1);
  }

  @Test
  void aRefusedKeyWaitsWithinTheBudgetAndIsNeverRepeatedInTheOutcome() throws Exception {
    String wrongKey = "pk_wrong_key_555";

    DispatchOutcome outcome =
        call(wrongKey, command("req-401", binding("Promo", SHORT_BUDGET_SECONDS))).get(0);

    assertThat(outcome.state()).isEqualTo(OutcomeState.EXPIRED);
    assertThat(outcome.espStatus()).isEqualTo(401);
    assertThat(outcome.attempts()).isGreaterThan(1);
    assertThat(outcome.detail()).doesNotContain(wrongKey);
  }

  @Test
  void theAccountsConfiguredRateLimitPacesTheCallsWithoutA429() throws Exception {
    IntentBinding limited =
        binding("Promo", 300, false, new AccountSettings(null, new RateLimits(20, null)));
    DispatchCommand[] commands = new DispatchCommand[60];
    for (int i = 0; i < commands.length; i++) {
      commands[i] = command("req-paced-" + i, limited);
    }

    List<DispatchOutcome> outcomes = call(KEY, commands);

    assertThat(outcomes).hasSize(60).allMatch(o -> o.state() == OutcomeState.ACCEPTED);
    List<Instant> at = klaviyo.calls().stream().map(RecordedCall::receivedAt).sorted().toList();
    assertThat(at).hasSize(60); // one call each: nothing was refused
    int j = 0;
    for (int i = 0; i < at.size(); i++) {
      while (Duration.between(at.get(j), at.get(i)).compareTo(Duration.ofSeconds(1)) >= 0) {
        j++;
      }
      // Paced at 20/s when they leave (AccountRateLimiterTest proves the spacing exactly); as the
      // sandbox sees them arrive, a loaded machine's scheduling bunches a few together.
      assertThat(i - j + 1).as("calls within 1 s ending at call %d", i).isLessThanOrEqualTo(26);
    }
    assertThat(Duration.between(at.get(0), at.get(59)))
        .as("60 calls at 20/s take about 3 s")
        .isGreaterThan(Duration.ofMillis(2_500));
  }

  @Test
  void theAccountsApiRootIsCalledWhenTheDeploymentOverridesNone() throws Exception {
    IntentBinding atAccountRoot =
        binding("Promo", 300, false, new AccountSettings(klaviyo.baseUrl(), RateLimits.NONE));

    DispatchOutcome outcome =
        call(KEY, Duration.ofSeconds(5), Map.of(), command("req-root", atAccountRoot)).get(0);

    assertThat(outcome.state()).isEqualTo(OutcomeState.ACCEPTED);
    assertThat(klaviyo.events()).hasSize(1);
  }

  @Test
  void manyDispatchesInFlightEachEndInExactlyOneOutcome() throws Exception {
    klaviyo.faults().next(3).status(429).retryAfterSeconds(0);
    DispatchCommand[] commands = new DispatchCommand[20];
    for (int i = 0; i < commands.length; i++) {
      commands[i] = command("req-" + i, binding("Promo"));
    }

    List<DispatchOutcome> outcomes = call(KEY, commands);

    assertThat(outcomes).hasSize(20).allMatch(o -> o.state() == OutcomeState.ACCEPTED);
    assertThat(outcomes).extracting(DispatchOutcome::requestId).doesNotHaveDuplicates();
    assertThat(klaviyo.events()).hasSize(20);
    assertThat(klaviyo.duplicateUniqueIds()).isZero();
  }
}
