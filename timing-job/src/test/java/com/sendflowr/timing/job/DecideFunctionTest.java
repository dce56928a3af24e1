package com.sendflowr.timing.job;

import static com.sendflowr.timing.job.TimingFixtures.INTENT;
import static org.assertj.core.api.Assertions.assertThat;

import com.sendflowr.config.SignalMapping;
import com.sendflowr.contract.ConfigChange;
import com.sendflowr.contract.DeadLetter;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.ExplanationRow;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.RejectReason;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.flink.DeadLetters;
import com.sendflowr.timing.model.DecisionRequest;
import com.sendflowr.timing.model.IntentPolicy;
import com.sendflowr.timing.model.LatencyTracker;
import com.sendflowr.timing.model.ModelConfig;
import com.sendflowr.timing.model.RecipientState;
import com.sendflowr.timing.model.TimingChoice;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The decide operator's keyed logic, on Flink's operator harness. */
class DecideFunctionTest {
  private static final Instant T0 = Instant.parse("2026-03-02T06:00:00Z"); // a Monday
  private static final String ANNA = "u-anna";

  /** Anna clicks at about 18:00 UTC every day. */
  private static final int ANNA_MINUTE_OF_DAY = 18 * 60;

  private KeyedBroadcastOperatorTestHarness<
          String, TimingInput, ControlInput, Either<TimingDecision, ExplanationRow>>
      harness;

  @BeforeEach
  void open() throws Exception {
    harness = harness(DecideSettings.defaults());
  }

  private static KeyedBroadcastOperatorTestHarness<
          String, TimingInput, ControlInput, Either<TimingDecision, ExplanationRow>>
      harness(DecideSettings settings) throws Exception {
    var h =
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                new DecideFunction(settings, ModelSpec.defaults()),
                List.of(DecideFunction.CONFIG, DecideFunction.LATENCY)),
            TimingInput::recipient,
            Types.STRING,
            TimingJob.MAX_PARALLELISM,
            1,
            0);
    // Either carries no type of its own: the harness needs the operator's declared output type.
    h.setup(DecideFunction.OUTPUT.createSerializer(new SerializerConfigImpl()));
    h.open();
    h.setProcessingTime(T0.toEpochMilli());
    return h;
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private void send(Signal s) throws Exception {
    harness.processElement(TimingInput.of(s), s.occurredAt().toEpochMilli());
  }

  private void send(SendRequest r) throws Exception {
    harness.processElement(TimingInput.of(r), T0.toEpochMilli());
  }

  private void config(com.sendflowr.contract.ConfigChange c) throws Exception {
    harness.processBroadcastElement(ControlInput.of(c), T0.toEpochMilli());
  }

  private void advanceTo(Instant t) throws Exception {
    harness.setProcessingTime(t.toEpochMilli());
    harness.processWatermark(t.toEpochMilli());
    harness.processBroadcastWatermark(t.toEpochMilli());
  }

  private List<TimingDecision> decisions() {
    return harness.extractOutputValues().stream().filter(Either::isLeft).map(Either::left).toList();
  }

  private List<ExplanationRow> explanations() {
    return harness.extractOutputValues().stream()
        .filter(Either::isRight)
        .map(Either::right)
        .toList();
  }

  private List<DeadLetter> deadLetters() {
    var side = harness.getSideOutput(DeadLetters.TAG);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  private int keyedStateEntries() {
    return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend())
        .numKeyValueStateEntries();
  }

  private void annaHasHistory() throws Exception {
    for (Signal s : TimingFixtures.dailyHabit(ANNA, T0, ANNA_MINUTE_OF_DAY, 42)) {
      send(s);
    }
  }

  // ---------------------------------------------------------------- first decisions

  @Test
  void aRecipientWithHistoryGetsTheModelsMinuteWithConfidenceAndLatencyCompensation()
      throws Exception {
    annaHasHistory();
    send(TimingFixtures.request("req-1", ANNA, T0, T0.plus(Duration.ofHours(24))));

    assertThat(decisions()).hasSize(1);
    TimingDecision d = decisions().get(0);
    assertThat(d.modelVersion()).isEqualTo(ModelConfig.MODEL_VERSION);
    assertThat(d.status()).isEqualTo(DecisionStatus.SCHEDULED);
    assertThat(d.version()).isEqualTo(1);
    assertThat(d.confidenceScore()).isGreaterThan(0.2);
    // Her habit is 18:00 UTC; the model picks the evening, not the window's start.
    int minuteOfDay =
        d.targetTimestampUtc().atZone(java.time.ZoneOffset.UTC).getHour() * 60
            + d.targetTimestampUtc().atZone(java.time.ZoneOffset.UTC).getMinute();
    assertThat(minuteOfDay).isBetween(ANNA_MINUTE_OF_DAY - 60, ANNA_MINUTE_OF_DAY + 60);
    assertThat(d.latencySource()).isEqualTo("configured_default");
    assertThat(d.triggerTimestampUtc())
        .isEqualTo(d.targetTimestampUtc().minus(DecideSettings.defaults().defaultLatency()));
    assertThat(d.metadata()).containsEntry("k", "v");

    ExplanationRow row = explanations().get(0);
    assertThat(row.decisionId()).isEqualTo(d.decisionId());
    assertThat(row.explanationJson())
        .contains("\"policy\":\"personal\"")
        .contains("\"cause\":\"request\"")
        .contains("\"runners_up\"");
  }

  @Test
  void theJobDecidesTheSameMinuteAsTheLibraryForTheSameHistory() throws Exception {
    List<Signal> history = TimingFixtures.dailyHabit(ANNA, T0, ANNA_MINUTE_OF_DAY, 42);
    for (Signal s : history) {
      send(s);
    }
    Instant notAfter = T0.plus(Duration.ofHours(30));
    send(TimingFixtures.request("req-1", ANNA, T0, notAfter));
    TimingDecision d = decisions().get(0);

    ModelConfig config = ModelConfig.defaults();
    RecipientState state = new RecipientState();
    for (Signal s : history) {
      state.update(s.knownType().orElseThrow(), s.occurredAt(), config);
    }
    TimingChoice library =
        ModelSpec.defaults()
            .engine()
            .decide(
                new DecisionRequest(
                    ANNA,
                    INTENT,
                    d.createdAtUtc(),
                    T0,
                    notAfter,
                    state,
                    null,
                    LatencyTracker.withDefaults(DecideSettings.defaults().defaultLatency()),
                    IntentPolicy.defaults(INTENT)));
    assertThat(d.targetTimestampUtc()).isEqualTo(library.target());
    assertThat(d.targetMinuteUtc()).isEqualTo(library.targetMinute());
    assertThat(d.confidenceScore()).isEqualTo(library.confidenceScore());
  }

  @Test
  void aNewRecipientFallsBackToThePriorAndSaysSo() throws Exception {
    send(TimingFixtures.request("req-1", "u-new", T0, T0.plus(Duration.ofHours(24))));
    TimingDecision d = decisions().get(0);
    assertThat(d.confidenceScore()).isZero();
    assertThat(explanations().get(0).explanationJson())
        .contains("\"policy\":\"fallback:population_prior\"");
  }

  @Test
  void theAsapPolicyIsALabelledFallbackAnOperatorCanPin() throws Exception {
    harness.close();
    harness = harness(DecideSettings.defaults().withPolicy(DecideSettings.POLICY_ASAP));
    annaHasHistory();
    send(TimingFixtures.request("req-1", ANNA, T0.plusSeconds(600), T0.plus(Duration.ofHours(24))));
    TimingDecision d = decisions().get(0);
    assertThat(d.modelVersion()).isEqualTo(TimingPolicy.ASAP_MODEL_VERSION);
    // The window's start, spread by shadow segmentation so a crowd does not fire in one second.
    assertThat(d.targetTimestampUtc())
        .isBetween(
            T0.plusSeconds(600),
            T0.plusSeconds(600)
                .plus(Duration.ofMinutes(ModelConfig.defaults().spreadRadiusMinutes())));
    assertThat(explanations().get(0).explanationJson())
        .contains("\"policy\":\"asap\"")
        .contains("pinned by the operator");
  }

  @Test
  void intentSettingsFromConfigSetTheAutonomyThreshold() throws Exception {
    config(
        TimingFixtures.intent(
            Map.of("confidence_threshold", 1.0, "fallback_policy", "window_start"), 1));
    annaHasHistory();
    send(TimingFixtures.request("req-1", ANNA, T0.plusSeconds(600), T0.plus(Duration.ofHours(24))));
    assertThat(explanations().get(0).explanationJson())
        .contains("\"policy\":\"fallback:window_start\"");
  }

  @Test
  void aRedeliveredRequestIsNotDecidedTwice() throws Exception {
    SendRequest r = TimingFixtures.request("req-1", ANNA, T0, T0.plus(Duration.ofHours(24)));
    send(r);
    send(r);
    assertThat(decisions()).hasSize(1);
  }

  @Test
  void aRequestWhoseWindowCannotBeReachedBecomesAnExpiredRecord() throws Exception {
    send(TimingFixtures.request("req-1", ANNA, T0.minusSeconds(3600), T0.plusSeconds(10)));
    TimingDecision d = decisions().get(0);
    assertThat(d.status()).isEqualTo(DecisionStatus.EXPIRED);
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void requestsBeyondTheOpenRequestLimitAreDeadLettered() throws Exception {
    harness.close();
    harness =
        harness(
            new DecideSettings(
                "model", Duration.ofSeconds(60), Duration.ofDays(400), Duration.ofDays(1), 2));
    for (int i = 0; i < 3; i++) {
      send(TimingFixtures.request("req-" + i, ANNA, T0, T0.plus(Duration.ofHours(24))));
    }
    assertThat(decisions()).hasSize(2);
    assertThat(deadLetters())
        .singleElement()
        .extracting(DeadLetter::reason)
        .isEqualTo(RejectReason.LIMIT_EXCEEDED);
  }

  @Test
  void aChannelsLearnedLatencyIsCompensatedAndNamedAsTheSource() throws Exception {
    config(
        new com.sendflowr.contract.ConfigChange(
            com.sendflowr.config.IntentBinding.ENTITY_TYPE,
            INTENT,
            1,
            T0,
            false,
            Map.of("esp", "klaviyo", "credential_ref", "ref", "binding_id", "b-1")));
    LatencyTracker learned = LatencyTracker.withDefaults(Duration.ofSeconds(60));
    for (int h = 0; h < 24 * 7; h++) {
      for (int i = 0; i < LatencyTracker.MIN_SAMPLES; i++) {
        Instant at = T0.plus(Duration.ofHours(h));
        learned.observe(at, at.plusSeconds(240));
      }
    }
    harness.processBroadcastElement(
        ControlInput.of(new ControlInput.LatencyUpdate("b-1", learned.toBytes())),
        T0.toEpochMilli());
    annaHasHistory();
    send(TimingFixtures.request("req-1", ANNA, T0, T0.plus(Duration.ofHours(24))));
    TimingDecision d = decisions().get(0);
    assertThat(d.latencySource()).isEqualTo("learned_hourly");
    assertThat(d.latencyEstimateSeconds()).isEqualTo(240.0);
    assertThat(d.triggerTimestampUtc()).isEqualTo(d.targetTimestampUtc().minusSeconds(240));
    // Of the binding, only its channel id (and its intent) is in the timing job's state: no ESP,
    // ids or credential reference.
    assertThat(
            harness
                .getBroadcastState(DecideFunction.CONFIG)
                .get(com.sendflowr.config.IntentBinding.ENTITY_TYPE + ":" + INTENT)
                .snapshot())
        .isEqualTo(Map.of("binding_id", "b-1", "intent_id", INTENT));
  }

  // ---------------------------------------------------------------- re-decisions

  @Test
  void anEligibleHotPathSupersedesTheDecisionWithATargetInTheNextMinutes() throws Exception {
    config(TimingFixtures.hotPath("site_visit", 50.0, 1));
    annaHasHistory();
    send(TimingFixtures.request("req-1", ANNA, T0, T0.plus(Duration.ofHours(24))));
    TimingDecision first = decisions().get(0);
    assertThat(first.targetTimestampUtc()).isAfter(T0.plus(Duration.ofHours(6)));

    Instant visit = T0.plus(Duration.ofMinutes(30));
    advanceTo(visit);
    send(TimingFixtures.signal("visit-1", "site_visit", visit, ANNA));

    assertThat(decisions()).hasSize(2);
    TimingDecision second = decisions().get(1);
    assertThat(second.version()).isEqualTo(2);
    assertThat(second.supersedes()).isEqualTo(first.decisionId());
    assertThat(second.status()).isEqualTo(DecisionStatus.SCHEDULED);
    assertThat(Duration.between(visit, second.targetTimestampUtc()))
        .isLessThanOrEqualTo(Duration.ofMinutes(15));
    assertThat(second.debug().appliedWeights())
        .extracting(TimingDecision.AppliedWeight::signal)
        .contains("site_visit@test"); // the type with its source, the mapping's for every source
    assertThat(explanations().get(1).explanationJson())
        .contains("\"cause\":\"hot_path\"")
        .contains("\"signal_type\":\"site_visit\"");
  }

  @Test
  void aHotPathOfOneSourceIgnoresTheSameSignalFromAnother() throws Exception {
    Map<String, Object> s = new HashMap<>();
    s.put("signal_type", "site_visit");
    s.put("source", "shopify");
    s.put("intent_id", TimingFixtures.INTENT);
    s.put("role", "hot_path");
    s.put("weight", 50.0);
    config(
        new ConfigChange(
            SignalMapping.ENTITY_TYPE, "shopify-site_visit", 1, T0.minusSeconds(60), false, s));
    annaHasHistory();
    send(TimingFixtures.request("req-1", ANNA, T0, T0.plus(Duration.ofHours(24))));
    assertThat(decisions()).hasSize(1);

    Instant visit = T0.plus(Duration.ofMinutes(30));
    advanceTo(visit);
    send(new Signal("visit-web", "site_visit", visit, ANNA, Map.of(), "web", Map.of()));
    assertThat(decisions()).as("a site visit reported by the web tracker").hasSize(1);

    send(new Signal("visit-shop", "site_visit", visit, ANNA, Map.of(), "shopify", Map.of()));
    assertThat(decisions()).hasSize(2);
    TimingDecision second = decisions().get(1);
    assertThat(Duration.between(visit, second.targetTimestampUtc()))
        .isLessThanOrEqualTo(Duration.ofMinutes(15));
    assertThat(second.debug().appliedWeights())
        .extracting(TimingDecision.AppliedWeight::signal)
        .containsExactly("site_visit@shopify");
  }

  @Test
  void aSignalWithoutAConfiguredRoleChangesNothing() throws Exception {
    annaHasHistory();
    send(TimingFixtures.request("req-1", ANNA, T0, T0.plus(Duration.ofHours(24))));
    send(TimingFixtures.signal("visit-1", "site_visit", T0.plusSeconds(60), ANNA));
    assertThat(decisions()).hasSize(1);
  }

  @Test
  void aCircuitBreakerCancelsAndTheRequestIsDecidedAgainWhenItEnds() throws Exception {
    config(TimingFixtures.breaker("ticket_opened", Duration.ofHours(2), 1));
    annaHasHistory();
    send(TimingFixtures.request("req-1", ANNA, T0, T0.plus(Duration.ofHours(48))));
    TimingDecision first = decisions().get(0);

    // Signals carry sub-millisecond times; timers have millisecond resolution.
    Instant ticket = T0.plus(Duration.ofMinutes(10)).plusNanos(123_456_789);
    advanceTo(ticket);
    send(TimingFixtures.signal("ticket-1", "ticket_opened", ticket, ANNA));
    assertThat(decisions()).hasSize(2);
    TimingDecision cancel = decisions().get(1);
    assertThat(cancel.status()).isEqualTo(DecisionStatus.CANCELLED);
    assertThat(cancel.supersedes()).isEqualTo(first.decisionId());

    advanceTo(ticket.plus(Duration.ofMinutes(119)));
    assertThat(decisions()).as("nothing dispatchable while suppressed").hasSize(2);
    advanceTo(ticket.plus(Duration.ofHours(2)).minusNanos(1));
    assertThat(decisions()).as("nothing dispatchable while suppressed").hasSize(2);

    advanceTo(ticket.plus(Duration.ofHours(2)).plusMillis(1));
    assertThat(decisions()).hasSize(3);
    TimingDecision fresh = decisions().get(2);
    assertThat(fresh.status()).isEqualTo(DecisionStatus.SCHEDULED);
    assertThat(fresh.version()).isEqualTo(3);
    assertThat(fresh.supersedes()).isEqualTo(cancel.decisionId());
    assertThat(fresh.triggerTimestampUtc()).isAfterOrEqualTo(ticket.plus(Duration.ofHours(2)));
    assertThat(explanations().get(2).explanationJson()).contains("\"cause\":\"breaker_ended\"");
  }

  @Test
  void aClearingSignalEndsTheBreakerAtOnce() throws Exception {
    config(TimingFixtures.breaker("ticket_opened", Duration.ofHours(48), 1));
    config(TimingFixtures.clears("ticket_closed", "ticket_opened", 1));
    annaHasHistory();
    send(TimingFixtures.request("req-1", ANNA, T0, T0.plus(Duration.ofHours(48))));
    send(TimingFixtures.signal("ticket-1", "ticket_opened", T0.plusSeconds(60), ANNA));
    advanceTo(T0.plusSeconds(120));
    send(TimingFixtures.signal("ticket-2", "ticket_closed", T0.plusSeconds(120), ANNA));
    assertThat(decisions())
        .extracting(TimingDecision::status)
        .containsExactly(
            DecisionStatus.SCHEDULED, DecisionStatus.CANCELLED, DecisionStatus.SCHEDULED);
  }

  @Test
  void aBreakerThatOutlastsTheWindowEndsInAnExplicitExpiry() throws Exception {
    config(TimingFixtures.breaker("complaint", Duration.ofHours(48), 1));
    annaHasHistory();
    Instant end = T0.plus(Duration.ofHours(12));
    send(TimingFixtures.request("req-1", ANNA, T0, end));
    send(TimingFixtures.signal("c-1", "complaint", T0.plusSeconds(60), ANNA));
    advanceTo(end);
    assertThat(decisions())
        .extracting(TimingDecision::status)
        .containsExactly(
            DecisionStatus.SCHEDULED, DecisionStatus.CANCELLED, DecisionStatus.EXPIRED);
    assertThat(explanations().get(2).explanationJson()).contains("\"cause\":\"window_passed\"");
  }

  @Test
  void aDecisionTheDispatcherCouldNotFireInTimeIsDecidedAgain() throws Exception {
    annaHasHistory();
    send(TimingFixtures.request("req-1", ANNA, T0, T0.plus(Duration.ofHours(48))));
    TimingDecision first = decisions().get(0);
    advanceTo(first.triggerTimestampUtc().plus(Duration.ofMinutes(10)));
    DispatchOutcome expired =
        TimingFixtures.outcome(
            first, OutcomeState.EXPIRED, first.triggerTimestampUtc().plus(Duration.ofMinutes(10)));
    harness.processElement(TimingInput.of(expired), T0.toEpochMilli());
    assertThat(decisions()).hasSize(2);
    TimingDecision fresh = decisions().get(1);
    assertThat(fresh.version()).isEqualTo(2);
    assertThat(fresh.supersedes()).isEqualTo(first.decisionId());
    assertThat(fresh.triggerTimestampUtc()).isAfter(first.triggerTimestampUtc());
    assertThat(explanations().get(1).explanationJson()).contains("\"cause\":\"dispatch_expired\"");

    // The outcome of the fresh decision's own dispatch ends re-decisions.
    harness.processElement(
        TimingInput.of(
            TimingFixtures.outcome(fresh, OutcomeState.ACCEPTED, fresh.triggerTimestampUtc())),
        T0.toEpochMilli());
    harness.processElement(TimingInput.of(expired), T0.toEpochMilli());
    assertThat(decisions()).hasSize(2);
  }

  // ---------------------------------------------------------------- identity merges

  @Test
  void aMergeHandsTheWholeHistoryToTheStrongerIdAndForwardsLaterRecords() throws Exception {
    String alias = "alias:klaviyo_profile_id:K-1";
    String email = "email:" + "ab".repeat(32);
    List<Signal> history = TimingFixtures.dailyHabit(alias, T0, ANNA_MINUTE_OF_DAY, 30);
    for (Signal s : history.subList(0, 15)) {
      send(s);
    }
    harness.processElement(
        TimingInput.of(
            new com.sendflowr.timing.job.identity.RecipientMerge(
                alias, email, T0, "provisional_to_email", "klaviyo_profile_id:K-1", "event_id:x")),
        T0.toEpochMilli());
    var handoffs = harness.getSideOutput(DecideFunction.HANDOFFS);
    assertThat(handoffs).hasSize(1);
    var handoff = handoffs.peek().getValue();
    assertThat(handoff.state()).isNotNull();
    // It survives the trip through Kafka and the parse step's round-trip check.
    String json = com.sendflowr.contract.Contracts.toJson(handoff);
    assertThat(TimingTopology.parseHandoff(json).value()).isEqualTo(handoff);

    // A record that still names the old id is forwarded, not learned there.
    send(history.get(15));
    assertThat(handoffs).hasSize(2);
    for (var r : List.copyOf(handoffs)) {
      harness.processElement(TimingInput.of(r.getValue()), T0.toEpochMilli());
    }
    for (Signal s : history.subList(16, 30)) {
      send(new Signal(s.eventId(), s.eventType(), s.occurredAt(), email, Map.of(), "t", Map.of()));
    }
    send(TimingFixtures.request("req-1", email, T0, T0.plus(Duration.ofHours(24))));
    TimingDecision d = decisions().get(0);

    ModelConfig config = ModelConfig.defaults();
    RecipientState all = new RecipientState();
    for (Signal s : history) {
      all.update(s.knownType().orElseThrow(), s.occurredAt(), config);
    }
    TimingChoice library =
        ModelSpec.defaults()
            .engine()
            .decide(
                new DecisionRequest(
                    email,
                    INTENT,
                    d.createdAtUtc(),
                    T0,
                    T0.plus(Duration.ofHours(24)),
                    all,
                    null,
                    LatencyTracker.withDefaults(DecideSettings.defaults().defaultLatency()),
                    IntentPolicy.defaults(INTENT)));
    assertThat(d.confidenceScore())
        .isCloseTo(library.confidenceScore(), org.assertj.core.api.Assertions.within(1e-6));
    assertThat(explanations().get(0).explanationJson())
        .contains("\"merged_from\":[\"" + alias + "\"]");
  }

  // ---------------------------------------------------------------- cleanup

  @Test
  void requestBookkeepingAndInactiveRecipientsLeaveNoStateAndNoTimers() throws Exception {
    harness.close();
    harness = harness(DecideSettings.defaults().withRecipientTtl(Duration.ofDays(30)));
    config(TimingFixtures.breaker("ticket_opened", Duration.ofHours(2), 1));
    annaHasHistory();
    send(TimingFixtures.request("req-1", ANNA, T0, T0.plus(Duration.ofHours(24))));
    send(TimingFixtures.signal("ticket-1", "ticket_opened", T0.plusSeconds(60), ANNA));
    assertThat(keyedStateEntries()).isGreaterThan(0);
    assertThat(harness.numEventTimeTimers()).isGreaterThan(0);

    advanceTo(T0.plus(Duration.ofDays(3)));
    assertThat(harness.numEventTimeTimers()).as("only the inactivity check is left").isEqualTo(1);

    advanceTo(T0.plus(Duration.ofDays(32)));
    assertThat(keyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
