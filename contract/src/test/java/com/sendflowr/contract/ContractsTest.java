package com.sendflowr.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContractsTest {

  static Stream<Arguments> everyRecord() {
    return Stream.of(
        Arguments.of(
            "signal",
            ContractSamples.signal(),
            (Function<String, Parsed<?>>) Contracts::parseSignal),
        Arguments.of(
            "send-request",
            ContractSamples.sendRequest(),
            (Function<String, Parsed<?>>) Contracts::parseSendRequest),
        Arguments.of(
            "timing-decision",
            ContractSamples.decision(),
            (Function<String, Parsed<?>>) Contracts::parseDecision),
        Arguments.of(
            "dispatch-outcome",
            ContractSamples.outcome(),
            (Function<String, Parsed<?>>) Contracts::parseDispatchOutcome),
        Arguments.of(
            "config-change",
            ContractSamples.configChange(),
            (Function<String, Parsed<?>>) Contracts::parseConfigChange),
        Arguments.of(
            "dead-letter",
            ContractSamples.deadLetter(),
            (Function<String, Parsed<?>>) Contracts::parseDeadLetter),
        Arguments.of(
            "explanation-row",
            ContractSamples.explanationRow(),
            (Function<String, Parsed<?>>) Contracts::parseExplanationRow));
  }

  @ParameterizedTest(name = "{0} round-trips")
  @MethodSource("everyRecord")
  void everyRecordRoundTrips(String name, Object record, Function<String, Parsed<?>> parser) {
    String json = Contracts.toJson(record);
    Parsed<?> parsed = parser.apply(json);
    assertThat(parsed.isOk()).as("%s: %s", json, parsed).isTrue();
    assertThat(parsed.value()).isEqualTo(record);
    assertThat(Contracts.toJson(parsed.value())).isEqualTo(json);
    assertThat(Contracts.fromCanonicalJson(json, record.getClass())).isEqualTo(record);
  }

  @ParameterizedTest(name = "{0} validates against its JSON Schema")
  @MethodSource("everyRecord")
  void everyRecordValidatesAgainstItsSchema(
      String name, Object record, Function<String, Parsed<?>> parser) throws Exception {
    JsonNode json = Contracts.mapper().readTree(Contracts.toJson(record));
    assertThat(schema(name).validate(json)).isEmpty();
  }

  @Test
  void wireFormatIsSnakeCaseWithIsoInstants() {
    String json = Contracts.toJson(ContractSamples.decision());
    assertThat(json)
        .contains("\"target_minute_utc\":")
        .contains("\"trigger_timestamp_utc\":\"2026-01-05T09:39:55.123456789Z\"")
        .contains("\"status\":\"superseded\"")
        .contains("\"applied_weights\":[{\"signal\":\"site_visit\",\"weight\":0.8}]");
  }

  static Stream<Arguments> badSignals() {
    String ok =
        "\"event_id\":\"e1\",\"event_type\":\"click\",\"occurred_at\":\"2026-01-05T09:30:00Z\"";
    return Stream.of(
        Arguments.of("{not json", RejectReason.MALFORMED_JSON),
        Arguments.of("[1,2]", RejectReason.MALFORMED_JSON),
        Arguments.of("", RejectReason.MALFORMED_JSON),
        Arguments.of("{" + ok + "}", RejectReason.MISSING_RECIPIENT),
        Arguments.of(
            "{\"event_type\":\"click\",\"occurred_at\":\"2026-01-05T09:30:00Z\",\"universal_id\":\"u\"}",
            RejectReason.MISSING_FIELD),
        Arguments.of(
            "{\"event_id\":\"e1\",\"event_type\":\"teleport\",\"occurred_at\":\"2026-01-05T09:30:00Z\",\"universal_id\":\"u\"}",
            RejectReason.UNKNOWN_TYPE),
        Arguments.of(
            "{\"event_id\":\"e1\",\"event_type\":\"click\",\"occurred_at\":\"1999-12-31T23:59:59Z\",\"universal_id\":\"u\"}",
            RejectReason.TIMESTAMP_OUT_OF_RANGE),
        Arguments.of(
            "{\"event_id\":\"e1\",\"event_type\":\"click\",\"occurred_at\":\"2026-01-05 09:30\",\"universal_id\":\"u\"}",
            RejectReason.TIMESTAMP_OUT_OF_RANGE),
        Arguments.of(
            "{\"event_id\":\"e1\",\"event_type\":\"click\",\"occurred_at\":\"2026-13-45T09:30:00Z\",\"universal_id\":\"u\"}",
            RejectReason.TIMESTAMP_OUT_OF_RANGE),
        Arguments.of(
            "{" + ok + ",\"universal_id\":\"" + "x".repeat(300) + "\"}",
            RejectReason.FIELD_TOO_LARGE),
        Arguments.of("{" + ok + ",\"universal_id\":42}", RejectReason.INVALID_FIELD),
        Arguments.of(
            "{" + ok + ",\"identity_keys\":{\"phone_e164\":\"0415 555\"}}",
            RejectReason.INVALID_FIELD),
        Arguments.of(
            "{" + ok + ",\"universal_id\":\"u\",\"pad\":\"" + "x".repeat(70_000) + "\"}",
            RejectReason.PAYLOAD_TOO_LARGE));
  }

  @ParameterizedTest(name = "[{index}] rejected as {1}")
  @MethodSource("badSignals")
  void badSignalsAreRejectedWithTheirReason(String json, RejectReason expected) {
    Parsed<Signal> parsed = Contracts.parseSignal(json);
    assertThat(parsed).isInstanceOf(Parsed.Rejected.class);
    Parsed.Rejected<Signal> rejected = (Parsed.Rejected<Signal>) parsed;
    assertThat(rejected.reason()).as(rejected.detail()).isEqualTo(expected);
    assertThat(rejected.detail()).isNotBlank();
  }

  @Test
  void operatorDefinedEventTypesAreAcceptedOnlyWhenConfigured() {
    String json =
        "{\"event_id\":\"e1\",\"event_type\":\"webinar_join\",\"occurred_at\":\"2026-01-05T09:30:00Z\",\"universal_id\":\"u\"}";
    assertThat(Contracts.parseSignal(json).isOk()).isFalse();
    Parsed<Signal> parsed = Contracts.parseSignal(json, Set.of("webinar_join"));
    assertThat(parsed.value().knownType()).isEmpty();
    assertThat(parsed.value().eventType()).isEqualTo("webinar_join");
  }

  @Test
  void recipientMayBeNamedByIdentityKeysAlone() {
    String json =
        "{\"event_id\":\"e1\",\"event_type\":\"site_visit\",\"occurred_at\":\"2026-01-05T09:30:00Z\","
            + "\"identity_keys\":{\"phone_e164\":\"+14155550100\",\"esp_profile_id\":\"k-1\"}}";
    Signal s = Contracts.parseSignal(json).value();
    assertThat(s.recipientKey()).isEqualTo("esp_profile_id:k-1");
  }

  @Test
  void unknownFieldsAreToleratedBecauseSchemasOnlyGrow() {
    String json =
        "{\"event_id\":\"e1\",\"event_type\":\"click\",\"occurred_at\":\"2026-01-05T09:30:00Z\","
            + "\"universal_id\":\"u\",\"added_in_a_later_version\":true}";
    assertThat(Contracts.parseSignal(json).isOk()).isTrue();
  }

  @Test
  void sendRequestWindowMustBeOrdered() {
    String json =
        "{\"request_id\":\"r1\",\"universal_id\":\"u\",\"intent_id\":\"promo_jan\","
            + "\"not_before\":\"2026-01-05T10:00:00Z\",\"not_after\":\"2026-01-05T09:00:00Z\"}";
    Parsed<SendRequest> parsed = Contracts.parseSendRequest(json);
    assertThat(((Parsed.Rejected<SendRequest>) parsed).reason())
        .isEqualTo(RejectReason.TIMESTAMP_OUT_OF_RANGE);
  }

  @Test
  void decisionMinuteMustBeOnTheGrid() {
    String json =
        Contracts.toJson(ContractSamples.decision())
            .replaceFirst("\"target_minute_utc\":\\d+", "\"target_minute_utc\":10080");
    Parsed<TimingDecision> parsed = Contracts.parseDecision(json);
    assertThat(((Parsed.Rejected<TimingDecision>) parsed).reason())
        .isEqualTo(RejectReason.INVALID_FIELD);
  }

  static Stream<Arguments> badExplanationRows() {
    return Stream.of(
        Arguments.of(explanationRowWith("decision_id", null), RejectReason.MISSING_FIELD),
        Arguments.of(explanationRowWith("target_minute_utc", 10080), RejectReason.INVALID_FIELD),
        Arguments.of(explanationRowWith("status", "DROP TABLE"), RejectReason.INVALID_FIELD),
        Arguments.of(explanationRowWith("explanation_json", "{oops"), RejectReason.INVALID_FIELD),
        Arguments.of(explanationRowWith("explanation_json", "[]"), RejectReason.INVALID_FIELD),
        Arguments.of(explanationRowWith("context_weights_json", "{}"), RejectReason.INVALID_FIELD),
        Arguments.of(
            explanationRowWith("created_at", "2101-01-01T00:00:00Z"),
            RejectReason.TIMESTAMP_OUT_OF_RANGE),
        Arguments.of(
            Contracts.toJson(ContractSamples.explanationRow()).substring(0, 80),
            RejectReason.MALFORMED_JSON));
  }

  /** The sample row's JSON with one field replaced (or removed when {@code value} is null). */
  private static String explanationRowWith(String field, Object value) {
    var node = Contracts.mapper().valueToTree(ContractSamples.explanationRow());
    ObjectNode object = (ObjectNode) node;
    if (value == null) {
      object.remove(field);
    } else {
      object.set(field, Contracts.mapper().valueToTree(value));
    }
    return object.toString();
  }

  @ParameterizedTest(name = "[{index}] explanation row rejected as {1}")
  @MethodSource("badExplanationRows")
  void badExplanationRowsAreRejectedWithTheirReason(String json, RejectReason expected) {
    Parsed<ExplanationRow> parsed = Contracts.parseExplanationRow(json);
    assertThat(parsed).as(json).isInstanceOf(Parsed.Rejected.class);
    Parsed.Rejected<ExplanationRow> rejected = (Parsed.Rejected<ExplanationRow>) parsed;
    assertThat(rejected.reason()).as(rejected.detail()).isEqualTo(expected);
  }

  @Test
  void deadLettersTruncateHugePayloads() {
    String huge = "y".repeat(Contracts.MAX_DEAD_LETTER_PAYLOAD_CHARS + 10);
    DeadLetter dl =
        Contracts.deadLetter(
            "s", "t", "k", huge, RejectReason.PAYLOAD_TOO_LARGE, "big", ContractSamples.T);
    assertThat(dl.payload()).hasSize(Contracts.MAX_DEAD_LETTER_PAYLOAD_CHARS);
    assertThat(dl.payloadTruncated()).isTrue();
  }

  @Test
  void schemaAgreesWithParserOnMissingRecipient() throws Exception {
    JsonNode noRecipient =
        Contracts.mapper()
            .readTree(
                "{\"event_id\":\"e1\",\"event_type\":\"click\",\"occurred_at\":\"2026-01-05T09:30:00Z\"}");
    Set<ValidationMessage> errors = schema("signal").validate(noRecipient);
    assertThat(errors).isNotEmpty();
  }

  static JsonSchema schema(String name) throws Exception {
    try (InputStream in =
        ContractsTest.class.getResourceAsStream("/schemas/" + name + ".schema.json")) {
      assertThat(in).as("schema resource for %s", name).isNotNull();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
    }
  }
}
