package com.sendflowr.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sendflowr.contract.HostileSamples.Hostile;
import com.sendflowr.contract.HostileSamples.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HostileInputTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final Instant START = NOW.plus(Duration.ofMinutes(5));

  static Stream<Hostile> hostile() {
    return HostileSamples.all(NOW, 7, 40).stream();
  }

  private static Parsed<?> parse(Kind kind, String json, Instant now) {
    return kind == Kind.SIGNAL
        ? Contracts.parseSignal(json, Set.of(), now)
        : Contracts.parseSendRequest(json, now);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void everyHostileRecordIsRejectedWithItsReason(Hostile h) {
    Parsed<?> parsed = parse(h.kind(), h.json(), NOW);

    assertThat(parsed).as(h.json()).isInstanceOf(Parsed.Rejected.class);
    Parsed.Rejected<?> rejected = (Parsed.Rejected<?>) parsed;
    assertThat(rejected.reason()).as(rejected.detail()).isEqualTo(h.reason());
    // The detail goes into a dead letter and into logs: it must itself be clean.
    assertThat(rejected.detail()).isNotBlank();
    assertThat(Text.loneSurrogate(rejected.detail())).isEqualTo(-1);
    assertThat(rejected.detail().codePoints().noneMatch(Text::isControl)).isTrue();
  }

  @Test
  void theTemplatesOfTheHostileSamplesAreValid() {
    assertThat(Contracts.parseSignal(HostileSamples.signal("e-1", "u-1", NOW), Set.of(), NOW))
        .isInstanceOf(Parsed.Ok.class);
    assertThat(
            Contracts.parseSendRequest(
                HostileSamples.sendRequest("r-1", "u-1", START, START.plusSeconds(3600)), NOW))
        .isInstanceOf(Parsed.Ok.class);
  }

  @Test
  void limitsAreInclusiveAndWellFormedTextPasses() {
    List<String> signals =
        List.of(
            HostileSamples.signal("e-skew", "u-1", NOW.plus(Contracts.MAX_CLOCK_SKEW)),
            // a valid surrogate pair (an emoji) is fine anywhere
            HostileSamples.signal("e-emoji", "u-\\ud83d\\ude00", NOW),
            HostileSamples.signal("e-raw-emoji", "u-\uD83D\uDE00", NOW),
            // control characters are fine in free text
            HostileSamples.signal("e-text", "u-1", NOW)
                .replace("https://shop.example/p/1", "line one\\nline two\\u0000"));
    for (String json : signals) {
      assertThat(Contracts.parseSignal(json, Set.of(), NOW)).as(json).isInstanceOf(Parsed.Ok.class);
    }
    Instant latestStart = NOW.plus(Contracts.MAX_SCHEDULE_AHEAD);
    List<String> requests =
        List.of(
            HostileSamples.sendRequest(
                "r-28d", "u-1", START, START.plus(Contracts.MAX_SEND_WINDOW)),
            HostileSamples.sendRequest(
                "r-28d-now", "u-1", null, NOW.plus(Contracts.MAX_SEND_WINDOW)),
            HostileSamples.sendRequest(
                "r-latest", "u-1", latestStart, latestStart.plus(Contracts.MAX_SEND_WINDOW)),
            HostileSamples.sendRequest("r-text", "u-1", START, START.plusSeconds(60))
                .replace("\"jan\"", "\"jan\\tfeb\""));
    for (String json : requests) {
      assertThat(Contracts.parseSendRequest(json, NOW)).as(json).isInstanceOf(Parsed.Ok.class);
    }
  }

  @Test
  void nullMembersOfFreeFormMapsAreLeftOutSoTheRecordRoundTrips() {
    String json =
        HostileSamples.signal("e-null", "u-1", NOW)
            .replace(
                "\"url\":\"https://shop.example/p/1\"",
                "\"gone\":null,\"deep\":{\"gone\":null,\"kept\":[1,null]}");
    Signal s = Contracts.parseSignal(json, Set.of(), NOW).value();
    assertThat(s.properties())
        .isEqualTo(Map.of("deep", Map.of("kept", java.util.Arrays.asList(1, null))));
    assertThat(Contracts.parseSignal(Contracts.toJson(s), Set.of(), NOW).value()).isEqualTo(s);

    String config =
        Contracts.toJson(ContractSamples.configChange())
            .replace("\"dry_run\":true", "\"dry_run\":null");
    assertThat(Contracts.parseConfigChange(config, NOW).value().snapshot())
        .doesNotContainKey("dry_run");
  }

  @Test
  void aWindowStartingInThePastIsMeasuredFromNotBefore() {
    String json =
        HostileSamples.sendRequest(
            "r-old", "u-1", NOW.minus(Duration.ofDays(20)), NOW.plus(Duration.ofDays(10)));
    assertThat(((Parsed.Rejected<?>) Contracts.parseSendRequest(json, NOW)).reason())
        .isEqualTo(RejectReason.WINDOW_TOO_LONG);
  }

  @Test
  void theHorizonMovesWithTheParseTimeSoOfflineReadersCanPassTheirOwn() {
    String future = HostileSamples.signal("e-1", "u-1", Instant.parse("2099-12-31T00:00:00Z"));
    assertThat(Contracts.parseSignal(future).isOk()).isFalse();
    assertThat(
            Contracts.parseSignal(future, Set.of(), Instant.parse("2099-12-31T00:00:00Z")).isOk())
        .isTrue();
  }

  @Test
  void everyContractSampleIsStillAcceptedToday() {
    assertThat(Contracts.parseSignal(Contracts.toJson(ContractSamples.signal())).isOk()).isTrue();
    assertThat(Contracts.parseSendRequest(Contracts.toJson(ContractSamples.sendRequest())).isOk())
        .isTrue();
    assertThat(Contracts.parseDecision(Contracts.toJson(ContractSamples.decision())).isOk())
        .isTrue();
    assertThat(Contracts.parseDispatchOutcome(Contracts.toJson(ContractSamples.outcome())).isOk())
        .isTrue();
    assertThat(Contracts.parseConfigChange(Contracts.toJson(ContractSamples.configChange())).isOk())
        .isTrue();
    assertThat(Contracts.parseDeadLetter(Contracts.toJson(ContractSamples.deadLetter())).isOk())
        .isTrue();
  }

  @Test
  void idsOfEveryRecordRejectControlCharacters() {
    Map<String, Parsed<?>> parsed =
        Map.of(
            "decision universal_id",
            Contracts.parseDecision(
                Contracts.toJson(ContractSamples.decision()).replace("\"u-42\"", "\"u\\u000b42\"")),
            "outcome esp_response_id",
            Contracts.parseDispatchOutcome(
                Contracts.toJson(ContractSamples.outcome()).replace("resp-9", "resp\\u00859")),
            "config snapshot key",
            Contracts.parseConfigChange(
                Contracts.toJson(ContractSamples.configChange())
                    .replace("dry_run", "dry\\u2028run")),
            "dead letter stage",
            Contracts.parseDeadLetter(
                Contracts.toJson(ContractSamples.deadLetter())
                    .replace("timing-job/signals", "timing-job\\u0000")));
    parsed.forEach(
        (what, p) ->
            assertThat(((Parsed.Rejected<?>) p).reason())
                .as(what)
                .isEqualTo(RejectReason.CONTROL_CHARACTER));
  }

  @Test
  void scheduledTimesOfDecisionsAreBoundedToo() {
    String json =
        Contracts.toJson(ContractSamples.decision())
            .replaceFirst(
                "\"trigger_timestamp_utc\":\"[^\"]+\"",
                "\"trigger_timestamp_utc\":\"2099-01-01T00:00:00Z\"");
    assertThat(((Parsed.Rejected<?>) Contracts.parseDecision(json)).reason())
        .isEqualTo(RejectReason.TIMESTAMP_OUT_OF_RANGE);
  }

  @Test
  void deadLetterTruncationNeverSplitsASurrogatePair() {
    String payload = "x".repeat(Contracts.MAX_DEAD_LETTER_PAYLOAD_CHARS - 1) + "\uD83D\uDE00tail";
    DeadLetter dl =
        Contracts.deadLetter("s", "t", "k", payload, RejectReason.PAYLOAD_TOO_LARGE, "big", NOW);
    assertThat(dl.payloadTruncated()).isTrue();
    assertThat(Text.loneSurrogate(dl.payload())).isEqualTo(-1);
    assertThat(Contracts.parseDeadLetter(Contracts.toJson(dl), NOW).value()).isEqualTo(dl);
  }

  /** The schemas say the same for ids and top-level map keys (nested keys they cannot reach). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void schemasRejectBadCharactersInIdsAndKeys(Hostile h) throws Exception {
    boolean characters =
        h.reason() == RejectReason.ILL_FORMED_UNICODE
            || h.reason() == RejectReason.CONTROL_CHARACTER;
    if (!characters || h.name().contains("nested")) {
      return;
    }
    JsonNode tree = new ObjectMapper().readTree(h.json()); // lenient: the schema is the judge
    String schema = h.kind() == Kind.SIGNAL ? "signal" : "send-request";
    assertThat(ContractsTest.schema(schema).validate(tree)).as(h.json()).isNotEmpty();
  }

  @Test
  void schemasAcceptWhatTheParserAccepts() throws Exception {
    for (String json :
        List.of(
            HostileSamples.signal("e-emoji", "u-\\ud83d\\ude00", NOW),
            HostileSamples.signal("e-1", "u-1", NOW))) {
      assertThat(ContractsTest.schema("signal").validate(new ObjectMapper().readTree(json)))
          .isEmpty();
    }
  }

  @Test
  void theDeadLetterSchemaListsEveryReasonInOrder() throws Exception {
    JsonNode schema =
        new ObjectMapper()
            .readTree(
                HostileInputTest.class.getResourceAsStream("/schemas/dead-letter.schema.json"));
    List<String> listed = new java.util.ArrayList<>();
    schema.at("/properties/reason/enum").forEach(n -> listed.add(n.asText()));
    assertThat(listed)
        .containsExactly(
            Stream.of(RejectReason.values()).map(RejectReason::wire).toArray(String[]::new));
  }
}
