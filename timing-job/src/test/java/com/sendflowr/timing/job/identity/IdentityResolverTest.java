package com.sendflowr.timing.job.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.Signal;
import com.sendflowr.timing.job.IdentityResolution;
import com.sendflowr.timing.job.TimingInput;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdentityResolverTest {
  static final Instant T0 = Instant.parse("2026-01-05T09:30:00Z");
  static final Duration TTL = Duration.ofDays(400);
  static final String HASH = "c".repeat(64);
  static final String EMAIL_ID = "email:" + HASH;
  static final String ESP = "klaviyo_profile_id";
  static final String ESP_ID = "alias:klaviyo_profile_id:01HX";
  static final String PHONE = "+447700900123";
  static final String PHONE_ID = IdentityKeys.key("phone_e164", PHONE).id();

  private KeyedOneInputStreamOperatorTestHarness<String, IdentityInput, TimingInput> harness;
  private int events;

  @BeforeEach
  void open() throws Exception {
    harness = newHarness();
    harness.open();
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, IdentityInput, TimingInput>
      newHarness() throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new IdentityResolver(TTL)), IdentityInput::route, Types.STRING);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  // ---------------------------------------------------------------- fixtures

  private Signal signal(String universalId, Map<String, String> keys) {
    return new Signal("e-" + ++events, "click", T0, universalId, keys, "test", Map.of());
  }

  /** Routes the record as the fan-out does and feeds every part, at event time {@code at}. */
  private TimingInput feed(Signal s, Instant at) throws Exception {
    int before = harness.extractOutputValues().size();
    for (IdentityInput in : IdentityFanOut.route(TimingInput.of(s))) {
      harness.processElement(new StreamRecord<>(in, at.toEpochMilli()));
    }
    List<TimingInput> out = harness.extractOutputValues();
    assertThat(out).as("one record out per record in").hasSize(before + 1);
    return out.get(out.size() - 1);
  }

  private List<RecipientMerge> merges() {
    var side = harness.getSideOutput(IdentityResolver.MERGES);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  private int stateEntries() {
    return ((HeapKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend())
        .numKeyValueStateEntries();
  }

  // ---------------------------------------------------------------- resolution

  @Test
  void anAliasIsProvisionalUntilLinkedThenMergedOnceAndFollowedAfter() throws Exception {
    TimingInput before = feed(signal(null, Map.of(ESP, "01HX")), T0);
    assertThat(before.recipient()).isEqualTo(ESP_ID);
    assertThat(before.resolution())
        .isEqualTo(
            new IdentityResolution(
                ESP_ID, IdentityResolution.PROVISIONAL, "klaviyo_profile_id:01HX", List.of()));
    assertThat(merges()).isEmpty();

    Signal linking = signal(null, Map.of("email_sha256", HASH, ESP, "01HX"));
    TimingInput both = feed(linking, T0.plusSeconds(60));
    assertThat(both.recipient()).isEqualTo(EMAIL_ID);
    assertThat(both.resolution().method()).isEqualTo(IdentityResolution.DETERMINISTIC);
    assertThat(both.resolution().viaKey()).isEqualTo("email_sha256:" + HASH);
    assertThat(both.resolution().aliases()).containsExactly("klaviyo_profile_id:01HX");
    assertThat(merges())
        .containsExactly(
            new RecipientMerge(
                ESP_ID,
                EMAIL_ID,
                T0.plusSeconds(60),
                "provisional_to_email",
                "klaviyo_profile_id:01HX",
                "event_id:" + linking.eventId()));

    TimingInput after = feed(signal(null, Map.of(ESP, "01HX")), T0.plusSeconds(120));
    assertThat(after.recipient()).isEqualTo(EMAIL_ID);
    assertThat(after.resolution())
        .isEqualTo(
            new IdentityResolution(
                EMAIL_ID,
                IdentityResolution.ALIAS,
                "klaviyo_profile_id:01HX",
                List.of(),
                "event_id:" + linking.eventId(),
                T0.plusSeconds(60)));

    // The same link again (a redelivery, or the next record with both keys) merges nothing more.
    feed(signal(null, Map.of("email_sha256", HASH, ESP, "01HX")), T0.plusSeconds(180));
    feed(linking, T0.plusSeconds(240));
    assertThat(merges()).hasSize(1);
  }

  @Test
  void aDeliverySignalEchoingAProvisionalIdFollowsTheLinkMadeSince() throws Exception {
    feed(signal(null, Map.of(ESP, "01HX")), T0);
    feed(signal(null, Map.of("email_sha256", HASH, ESP, "01HX")), T0.plusSeconds(1));
    // The decision made under the provisional id is delivered later; the ESP echoes that id.
    TimingInput delivered = feed(signal(ESP_ID, Map.of()), T0.plusSeconds(2));
    assertThat(delivered.recipient()).isEqualTo(EMAIL_ID);
    assertThat(delivered.resolution().method()).isEqualTo(IdentityResolution.ALIAS);
    assertThat(delivered.resolution().viaKey()).isEqualTo("universal_id:" + ESP_ID);
    assertThat(merges()).hasSize(1);
  }

  @Test
  void aDispatchOutcomeOfAProvisionalDecisionFollowsTheLinkToo() throws Exception {
    feed(signal(null, Map.of(ESP, "01HX")), T0);
    feed(signal(null, Map.of("email_sha256", HASH, ESP, "01HX")), T0.plusSeconds(1));
    DispatchOutcome outcome =
        new DispatchOutcome(
            "o-1",
            "d-1",
            1,
            "r-1",
            "promo_jan",
            ESP_ID,
            "b-1",
            "idem-1",
            "klaviyo",
            null,
            null,
            null,
            1,
            202,
            null,
            T0,
            T0.plusSeconds(2),
            0,
            OutcomeState.ACCEPTED,
            null);
    List<IdentityInput> routed = IdentityFanOut.route(TimingInput.of(outcome));
    assertThat(routed).singleElement().extracting(IdentityInput::route).isEqualTo(ESP_ID);
    harness.processElement(new StreamRecord<>(routed.get(0), T0.plusSeconds(2).toEpochMilli()));
    TimingInput out = harness.extractOutputValues().get(2);
    assertThat(out.outcome()).isEqualTo(outcome);
    assertThat(out.recipient()).isEqualTo(EMAIL_ID);

    TimingInput given =
        IdentityFanOut.route(
                TimingInput.of(
                    new DispatchOutcome(
                        "o-2",
                        "d-2",
                        1,
                        "r-2",
                        "promo_jan",
                        "u-42",
                        "b-1",
                        "idem-2",
                        "klaviyo",
                        null,
                        null,
                        null,
                        1,
                        202,
                        null,
                        T0,
                        T0,
                        0,
                        OutcomeState.ACCEPTED,
                        null)))
            .get(0)
            .record();
    assertThat(given.recipient()).isEqualTo("u-42");
    assertThat(given.resolution()).isEqualTo(IdentityResolution.given("u-42"));
  }

  @Test
  void anAliasLinkedBeforeItsFirstRecordNeedsNoMerge() throws Exception {
    feed(signal(null, Map.of("email_sha256", HASH, ESP, "01HX")), T0);
    TimingInput espOnly = feed(signal(null, Map.of(ESP, "01HX")), T0.plusSeconds(1));
    assertThat(espOnly.recipient()).isEqualTo(EMAIL_ID);
    assertThat(merges()).isEmpty();
  }

  @Test
  void aPhoneClaimedByAnEmailMergesIntoTheEmailNeverTheOtherWay() throws Exception {
    TimingInput phoneOnly = feed(signal(null, Map.of("phone_e164", PHONE)), T0);
    assertThat(phoneOnly.recipient()).isEqualTo(PHONE_ID);
    assertThat(phoneOnly.resolution().method()).isEqualTo(IdentityResolution.DETERMINISTIC);
    assertThat(phoneOnly.resolution().viaKey()).doesNotContain("7700900123");
    TimingInput emailOnly = feed(signal(null, Map.of("email_sha256", HASH)), T0.plusSeconds(1));
    assertThat(emailOnly.recipient()).isEqualTo(EMAIL_ID);

    feed(signal(null, Map.of("email_sha256", HASH, "phone_e164", PHONE)), T0.plusSeconds(2));
    assertThat(merges())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.from()).isEqualTo(PHONE_ID);
              assertThat(m.into()).isEqualTo(EMAIL_ID);
              assertThat(m.reason()).isEqualTo("phone_to_email");
            });
    assertThat(feed(signal(null, Map.of("phone_e164", PHONE)), T0.plusSeconds(3)).recipient())
        .isEqualTo(EMAIL_ID);
    assertThat(feed(signal(null, Map.of("email_sha256", HASH)), T0.plusSeconds(4)).recipient())
        .isEqualTo(EMAIL_ID);
    assertThat(merges()).hasSize(1);
  }

  @Test
  void aUniversalIdClaimsTheEmailAndItsHistory() throws Exception {
    feed(signal(null, Map.of("email_sha256", HASH)), T0);
    TimingInput given = feed(signal("u-42", Map.of("email_sha256", HASH)), T0.plusSeconds(1));
    assertThat(given.resolution())
        .isEqualTo(
            new IdentityResolution(
                "u-42", IdentityResolution.GIVEN, null, List.of("email_sha256:" + HASH)));
    assertThat(merges())
        .extracting(RecipientMerge::from, RecipientMerge::into)
        .containsExactly(tuple(EMAIL_ID, "u-42"));

    SendRequest request =
        new SendRequest(
            "r-1", null, Map.of("email_sha256", HASH), "promo_jan", null, null, T0, Map.of());
    for (IdentityInput in : IdentityFanOut.route(TimingInput.of(request))) {
      harness.processElement(new StreamRecord<>(in, T0.plusSeconds(2).toEpochMilli()));
    }
    TimingInput resolved = harness.extractOutputValues().get(2);
    assertThat(resolved.request()).isEqualTo(request);
    assertThat(resolved.recipient()).isEqualTo("u-42");
    assertThat(resolved.resolution().method()).isEqualTo(IdentityResolution.ALIAS);
  }

  @Test
  void aRecordResolvedThroughAClaimedKeyRelinksItsWeakerKeysToTheClaimingId() throws Exception {
    feed(signal("u-42", Map.of("email_sha256", HASH)), T0); // u-42 claims the e-mail
    Signal both = signal(null, Map.of("email_sha256", HASH, ESP, "01HX", "phone_e164", PHONE));
    TimingInput resolved = feed(both, T0.plusSeconds(1));
    assertThat(resolved.recipient()).isEqualTo("u-42");

    // The fan-out linked the ESP id and the phone to the e-mail's id, from the record's fields;
    // the resolver, which knows the e-mail is u-42's, links them to u-42, for the later resolvers.
    List<IdentityInput> toAliases = relinks(IdentityKeys.Strength.PROVISIONAL);
    List<IdentityInput> toPhones = relinks(IdentityKeys.Strength.PHONE);
    assertThat(toAliases)
        .containsExactly(
            IdentityInput.of(
                ESP_ID, new Link("u-42", "klaviyo_profile_id:01HX", "event_id:" + both.eventId())));
    assertThat(toPhones).extracting(IdentityInput::route).containsExactly(PHONE_ID);
    assertThat(relinks(IdentityKeys.Strength.EMAIL)).isEmpty();

    for (IdentityInput link : List.of(toAliases.get(0), toPhones.get(0))) {
      harness.processElement(new StreamRecord<>(link, T0.plusSeconds(2).toEpochMilli()));
    }
    assertThat(feed(signal(null, Map.of(ESP, "01HX")), T0.plusSeconds(3)).recipient())
        .isEqualTo("u-42");
    assertThat(feed(signal(null, Map.of("phone_e164", PHONE)), T0.plusSeconds(3)).recipient())
        .isEqualTo("u-42");
    assertThat(merges()).isEmpty();
  }

  private List<IdentityInput> relinks(IdentityKeys.Strength keys) {
    var side = harness.getSideOutput(IdentityRoutes.to(keys));
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void recordsThatCarryTheirUniversalIdKeepNoState() throws Exception {
    TimingInput out = feed(signal("u-42", Map.of()), T0);
    assertThat(out.recipient()).isEqualTo("u-42");
    assertThat(stateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  // ---------------------------------------------------------------- bounded state

  @Test
  void aLinkThatCannotApplyLeavesNoState() throws Exception {
    // Not what the fan-out sends (it links only weaker keys), but the resolver must not keep it.
    harness.processElement(
        new StreamRecord<>(
            IdentityInput.of(EMAIL_ID, new Link(PHONE_ID, "phone_e164:x", "event_id:x")),
            T0.toEpochMilli()));
    harness.processElement(
        new StreamRecord<>(
            IdentityInput.of("uid:u-42", new Link(EMAIL_ID, "email_sha256:x", "event_id:x")),
            T0.toEpochMilli()));
    assertThat(merges()).isEmpty();
    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(stateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void keysNobodyMentionsForTheTtlAreForgottenLeavingNoStateAndNoTimers() throws Exception {
    feed(signal(null, Map.of(ESP, "01HX")), T0);
    feed(signal("u-42", Map.of("email_sha256", HASH, "phone_e164", PHONE)), T0);
    assertThat(stateEntries()).as("the ESP id, the e-mail and the phone").isEqualTo(3);
    assertThat(harness.numEventTimeTimers()).isEqualTo(3);

    // The ESP id is used again 100 days later: its expiry moves out, with a single timer still.
    Instant later = T0.plus(Duration.ofDays(100));
    feed(signal(null, Map.of(ESP, "01HX")), later);
    assertThat(harness.numEventTimeTimers()).isEqualTo(3);

    harness.processWatermark(T0.plus(TTL).plus(Duration.ofDays(1)).toEpochMilli());
    assertThat(stateEntries()).as("only the ESP id, touched later, is left").isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    assertThat(feed(signal(null, Map.of("email_sha256", HASH)), later).recipient())
        .as("the e-mail's link to u-42 expired")
        .isEqualTo(EMAIL_ID);

    harness.processWatermark(later.plus(TTL).plus(Duration.ofDays(2)).toEpochMilli());
    assertThat(stateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void linksAndProvisionalHistorySurviveASnapshotAndRestore() throws Exception {
    feed(signal(null, Map.of(ESP, "01HX")), T0);
    feed(signal(null, Map.of("phone_e164", PHONE, ESP, "01HX")), T0.plusSeconds(1));
    feed(signal(null, Map.of("phone_e164", PHONE)), T0.plusSeconds(2));
    OperatorSubtaskState snapshot = harness.snapshot(1, T0.plusSeconds(3).toEpochMilli());
    harness.close();

    harness = newHarness();
    harness.initializeState(snapshot);
    harness.open();
    assertThat(stateEntries()).isEqualTo(2);
    assertThat(harness.numEventTimeTimers()).isEqualTo(2);
    assertThat(feed(signal(null, Map.of(ESP, "01HX")), T0.plusSeconds(4)).recipient())
        .isEqualTo(PHONE_ID);
    // The phone named records on its own before the restore; the claim still merges them.
    feed(signal(null, Map.of("email_sha256", HASH, "phone_e164", PHONE)), T0.plusSeconds(5));
    assertThat(merges())
        .extracting(RecipientMerge::from, RecipientMerge::into)
        .containsExactly(tuple(PHONE_ID, EMAIL_ID));
  }
}
