package com.sendflowr.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Strict parsing and canonical JSON writing for every record of the contract.
 *
 * <p>Parsing never throws: it returns {@link Parsed.Rejected} with a machine-readable {@link
 * RejectReason} so callers can dead-letter the input and keep running. Unknown fields are ignored
 * (tolerant reader) because schemas are append-only: an older job must keep accepting records from
 * a newer producer.
 */
public final class Contracts {
  public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
  public static final int MAX_ID_LENGTH = 256;
  public static final int MAX_TEXT_LENGTH = 2_048;
  public static final int MAX_MAP_ENTRIES = 64;
  public static final int MAX_DEAD_LETTER_PAYLOAD_CHARS = 16 * 1024;

  /** Event types: lower snake case, so operator-defined types look like the built-in ones. */
  public static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/+=-]*");
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private static final ObjectMapper MAPPER = newMapper();

  private Contracts() {}

  private static ObjectMapper newMapper() {
    ObjectMapper m = new ObjectMapper();
    m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    m.setSerializationInclusion(JsonInclude.Include.NON_NULL);
    m.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    // Canonical JSON is deterministic, so equal records give equal bytes (dedup, ids, tests).
    m.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    m.registerModule(
        new SimpleModule("sendflowr-instant")
            .addSerializer(Instant.class, ToStringSerializer.instance)
            .addDeserializer(Instant.class, new InstantDeserializer()));
    // Records read back by a newer version may carry fields added since (schemas only grow).
    m.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    m.getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(32)
                .maxStringLength(MAX_PAYLOAD_BYTES)
                .build());
    return m;
  }

  /** The shared mapper configured for the canonical wire format (snake_case, ISO instants). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Canonical JSON of any contract record. */
  public static String toJson(Object record) {
    try {
      return MAPPER.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise " + record.getClass().getName(), e);
    }
  }

  /**
   * Reads canonical JSON that SendFlowr itself wrote (e.g. Flink state, internal topics) back into
   * a record. Not for external input: that goes through the strict {@code parse*} methods.
   */
  public static <T> T fromCanonicalJson(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not canonical " + type.getSimpleName() + " JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static final class InstantDeserializer extends StdDeserializer<Instant> {
    InstantDeserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return Instant.parse(p.getValueAsString());
    }
  }

  public static Parsed<Signal> parseSignal(String json) {
    return parseSignal(json, Set.of());
  }

  /**
   * Parses a signal.
   *
   * @param extraEventTypes operator-defined event types accepted besides {@link SignalType}
   */
  public static Parsed<Signal> parseSignal(String json, Set<String> extraEventTypes) {
    return parse(
        json,
        f -> {
          String eventId = f.requiredIdentifier("event_id", IDENTIFIER, MAX_ID_LENGTH);
          String eventType = f.requiredString("event_type", 64);
          if (SignalType.fromWire(eventType).isEmpty() && !extraEventTypes.contains(eventType)) {
            throw new Rejection(
                RejectReason.UNKNOWN_TYPE,
                "event_type '" + eventType + "' is neither built in nor configured");
          }
          Instant occurredAt = f.requiredInstant("occurred_at");
          String universalId = f.optionalString("universal_id", MAX_ID_LENGTH);
          Map<String, String> identity = identityKeys(f);
          requireRecipient(universalId, identity);
          String source = f.optionalString("source", MAX_ID_LENGTH);
          Map<String, Object> properties = f.objectMap("properties", MAX_MAP_ENTRIES);
          return new Signal(
              eventId, eventType, occurredAt, universalId, identity, source, properties);
        });
  }

  public static Parsed<SendRequest> parseSendRequest(String json) {
    return parse(
        json,
        f -> {
          String requestId = f.requiredIdentifier("request_id", IDENTIFIER, MAX_ID_LENGTH);
          String universalId = f.optionalString("universal_id", MAX_ID_LENGTH);
          Map<String, String> identity = identityKeys(f);
          requireRecipient(universalId, identity);
          String intentId = f.requiredIdentifier("intent_id", IDENTIFIER, MAX_ID_LENGTH);
          Instant notBefore = f.optionalInstant("not_before");
          Instant notAfter = f.optionalInstant("not_after");
          if (notBefore != null && notAfter != null && !notAfter.isAfter(notBefore)) {
            throw new Rejection(
                RejectReason.TIMESTAMP_OUT_OF_RANGE,
                "'not_after' (" + notAfter + ") must be after 'not_before' (" + notBefore + ")");
          }
          Instant requestedAt = f.optionalInstant("requested_at");
          Map<String, String> metadata = f.stringMap("metadata", MAX_MAP_ENTRIES, MAX_TEXT_LENGTH);
          return new SendRequest(
              requestId,
              universalId,
              identity,
              intentId,
              notBefore,
              notAfter,
              requestedAt,
              metadata);
        });
  }

  public static Parsed<TimingDecision> parseDecision(String json) {
    return parse(
        json,
        f -> {
          DecisionStatus status = DecisionStatus.fromWire(f.requiredString("status", 32));
          if (status == null) {
            throw new Rejection(RejectReason.UNKNOWN_TYPE, "unknown decision status");
          }
          JsonNode debugNode = f.optionalObject("debug");
          TimingDecision.Debug debug = debugNode == null ? null : parseDebug(debugNode);
          return new TimingDecision(
              f.requiredIdentifier("decision_id", IDENTIFIER, MAX_ID_LENGTH),
              f.requiredIdentifier("request_id", IDENTIFIER, MAX_ID_LENGTH),
              f.requiredIdentifier("intent_id", IDENTIFIER, MAX_ID_LENGTH),
              f.requiredString("universal_id", MAX_ID_LENGTH),
              f.requiredInt("version", 1, Integer.MAX_VALUE),
              status,
              f.optionalString("supersedes", MAX_ID_LENGTH),
              f.requiredInt("target_minute_utc", 0, MinuteOfWeek.MINUTES_PER_WEEK - 1),
              f.requiredInstant("target_timestamp_utc"),
              f.requiredInstant("trigger_timestamp_utc"),
              f.requiredDouble("latency_estimate_seconds", 0, 86_400),
              f.optionalString("latency_source", 64),
              f.requiredDouble("confidence_score", 0, 1),
              f.requiredString("model_version", 64),
              f.requiredString("explanation_ref", MAX_ID_LENGTH),
              f.requiredInstant("created_at_utc"),
              f.optionalInstant("not_after"),
              f.stringMap("metadata", MAX_MAP_ENTRIES, MAX_TEXT_LENGTH),
              debug);
        });
  }

  private static TimingDecision.Debug parseDebug(JsonNode node) {
    JsonFields f = new JsonFields(node, MAPPER);
    List<TimingDecision.AppliedWeight> weights = new ArrayList<>();
    JsonNode list = node.get("applied_weights");
    if (list != null && !list.isNull()) {
      if (!list.isArray() || list.size() > MAX_MAP_ENTRIES) {
        throw new Rejection(
            RejectReason.INVALID_FIELD, "'debug.applied_weights' must be a short array");
      }
      for (JsonNode w : list) {
        JsonFields wf = new JsonFields(w, MAPPER);
        weights.add(
            new TimingDecision.AppliedWeight(
                wf.requiredString("signal", 64), wf.requiredDouble("weight", -1, 1e6)));
      }
    }
    return new TimingDecision.Debug(
        f.optionalInt("base_curve_peak_minute", 0, MinuteOfWeek.MINUTES_PER_WEEK - 1),
        weights,
        f.optionalBoolean("suppressed"));
  }

  public static Parsed<DispatchOutcome> parseDispatchOutcome(String json) {
    return parse(
        json,
        f -> {
          OutcomeState state = OutcomeState.fromWire(f.requiredString("state", 32));
          if (state == null) {
            throw new Rejection(RejectReason.UNKNOWN_TYPE, "unknown outcome state");
          }
          return new DispatchOutcome(
              f.requiredString("outcome_id", MAX_ID_LENGTH),
              f.requiredString("decision_id", MAX_ID_LENGTH),
              f.requiredInt("decision_version", 1, Integer.MAX_VALUE),
              f.requiredString("request_id", MAX_ID_LENGTH),
              f.requiredString("intent_id", MAX_ID_LENGTH),
              f.requiredString("universal_id", MAX_ID_LENGTH),
              f.optionalString("binding_id", MAX_ID_LENGTH),
              f.optionalString("idempotency_key", MAX_ID_LENGTH),
              f.optionalString("esp", 64),
              f.optionalString("esp_campaign_id", MAX_ID_LENGTH),
              f.optionalString("esp_template_id", MAX_ID_LENGTH),
              f.optionalString("esp_notification_id", MAX_ID_LENGTH),
              f.requiredInt("attempts", 0, Integer.MAX_VALUE),
              f.optionalInt("esp_status", 100, 599),
              f.optionalString("esp_response_id", MAX_ID_LENGTH),
              f.requiredInstant("trigger_timestamp_utc"),
              f.optionalInstant("fired_at"),
              f.requiredLong("lateness_millis", Long.MIN_VALUE),
              state,
              f.optionalString("detail", MAX_TEXT_LENGTH * 4));
        });
  }

  public static Parsed<ConfigChange> parseConfigChange(String json) {
    return parse(
        json,
        f ->
            new ConfigChange(
                f.requiredIdentifier("entity_type", EVENT_TYPE, 64),
                f.requiredIdentifier("entity_id", IDENTIFIER, MAX_ID_LENGTH),
                f.requiredLong("version", 1),
                f.requiredInstant("changed_at"),
                f.optionalBoolean("tombstone"),
                f.objectMap("snapshot", MAX_MAP_ENTRIES)));
  }

  public static Parsed<DeadLetter> parseDeadLetter(String json) {
    return parse(
        json,
        f -> {
          String reasonWire = f.requiredString("reason", 64);
          RejectReason reason =
              WireNames.lookup(RejectReason.values(), RejectReason::wire, reasonWire);
          if (reason == null) {
            throw new Rejection(RejectReason.UNKNOWN_TYPE, "unknown reason '" + reasonWire + "'");
          }
          return new DeadLetter(
              f.requiredString("dead_letter_id", MAX_ID_LENGTH),
              f.requiredString("stage", MAX_ID_LENGTH),
              f.optionalString("source_topic", MAX_ID_LENGTH),
              f.optionalString("key", MAX_PAYLOAD_BYTES),
              reason,
              f.optionalString("detail", MAX_TEXT_LENGTH * 4),
              f.optionalString("payload", MAX_PAYLOAD_BYTES),
              f.optionalBoolean("payload_truncated"),
              f.requiredInstant("rejected_at"));
        });
  }

  /** A dead letter for a rejected payload, with the payload truncated to a safe size. */
  public static DeadLetter deadLetter(
      String stage,
      String sourceTopic,
      String key,
      String payload,
      Parsed.Rejected<?> why,
      Instant now) {
    return deadLetter(stage, sourceTopic, key, payload, why.reason(), why.detail(), now);
  }

  public static DeadLetter deadLetter(
      String stage,
      String sourceTopic,
      String key,
      String payload,
      RejectReason reason,
      String detail,
      Instant now) {
    String body = payload;
    boolean truncated = body != null && body.length() > MAX_DEAD_LETTER_PAYLOAD_CHARS;
    if (truncated) {
      body = body.substring(0, MAX_DEAD_LETTER_PAYLOAD_CHARS);
    }
    String id =
        UUID.nameUUIDFromBytes(
                (stage + "|" + sourceTopic + "|" + key + "|" + payload)
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    return new DeadLetter(id, stage, sourceTopic, key, reason, detail, body, truncated, now);
  }

  private static Map<String, String> identityKeys(JsonFields f) {
    Map<String, String> identity = f.stringMap("identity_keys", 16, MAX_ID_LENGTH);
    String phone = identity.get("phone_e164");
    if (phone != null) {
      JsonFields.requireFormat("identity_keys.phone_e164", phone, E164);
    }
    String email = identity.get("email_sha256");
    if (email != null) {
      JsonFields.requireFormat("identity_keys.email_sha256", email, SHA256_HEX);
    }
    return identity;
  }

  private static void requireRecipient(String universalId, Map<String, String> identity) {
    if ((universalId == null || universalId.isEmpty()) && identity.isEmpty()) {
      throw new Rejection(
          RejectReason.MISSING_RECIPIENT, "neither 'universal_id' nor 'identity_keys' is given");
    }
  }

  private static <T> Parsed<T> parse(String json, Function<JsonFields, T> reader) {
    if (json == null || json.isBlank()) {
      return new Parsed.Rejected<>(RejectReason.MALFORMED_JSON, "empty payload");
    }
    int bytes = json.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PAYLOAD_BYTES) {
      return new Parsed.Rejected<>(
          RejectReason.PAYLOAD_TOO_LARGE,
          "payload is " + bytes + " bytes, at most " + MAX_PAYLOAD_BYTES + " allowed");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return new Parsed.Rejected<>(
          RejectReason.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage());
    }
    try {
      return new Parsed.Ok<>(reader.apply(new JsonFields(node, MAPPER)));
    } catch (Rejection r) {
      return new Parsed.Rejected<>(r.reason, r.getMessage());
    }
  }
}
