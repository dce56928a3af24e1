package com.sendflowr.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 *
 * <p>What the parsers reject besides wrong types, formats and sizes:
 *
 * <ul>
 *   <li>Anything but exactly one JSON object: trailing content ({@link
 *       RejectReason#MALFORMED_JSON}) and repeated member names ({@link
 *       RejectReason#DUPLICATE_KEY}), since two readers could take different values from them.
 *   <li>Lone UTF-16 surrogates in any string or member name ({@link
 *       RejectReason#ILL_FORMED_UNICODE}); control characters in ids and map keys ({@link
 *       RejectReason#CONTROL_CHARACTER}). See {@link Text}.
 *   <li>Timestamps before 2000 or later than a horizon from the parse time ({@link
 *       RejectReason#TIMESTAMP_OUT_OF_RANGE}): when something happened ({@code occurred_at}, {@code
 *       requested_at}, {@code created_at_utc}, {@code fired_at}, {@code changed_at}, {@code
 *       rejected_at}), at most {@link #MAX_CLOCK_SKEW} ahead; a send request's {@code not_before},
 *       at most {@link #MAX_SCHEDULE_AHEAD} ahead; anything scheduled by a decision or outcome, at
 *       most {@link #MAX_SCHEDULE_AHEAD} + {@link #MAX_SEND_WINDOW} ahead.
 *   <li>A send window longer than {@link #MAX_SEND_WINDOW} ({@link RejectReason#WINDOW_TOO_LONG}).
 *   <li>In free-form maps ({@code properties}, {@code snapshot}): numbers that overflow a double
 *       ({@link RejectReason#INVALID_FIELD}); members set to null are left out, as canonical JSON
 *       leaves them out.
 * </ul>
 *
 * <p>Every record the parsers accept is written by {@link #toJson} as UTF-8 and parsed again into
 * an equal record; the flink-common parse step checks that for each record, and a seeded fuzz test
 * checks it for mutations of every contract record.
 *
 * <p>The one-argument parsers take the parse time from the system clock, so a record rejected as
 * too far ahead may be accepted when replayed later, never the other way round. Offline readers of
 * data with another notion of "now" (a simulation, a backfill) pass it explicitly.
 */
public final class Contracts {
  /**
   * How far ahead of the parse time a record may say something happened: clock skew, nothing more.
   * Kafka 4 brokers apply the same bound to record timestamps by default ({@code
   * log.message.timestamp.after.max.ms}).
   */
  public static final Duration MAX_CLOCK_SKEW = Duration.ofHours(1);

  /**
   * How far ahead of the parse time a send request's window may start. A quarter covers seasonal
   * campaigns; further ahead, the recipient's habits will have changed before the send, and the
   * state kept per request would be held for months.
   */
  public static final Duration MAX_SCHEDULE_AHEAD = Duration.ofDays(90);

  /**
   * The longest send window, {@code not_after - not_before} ({@code not_before} defaulting to the
   * parse time). Equal to the timing model's own limit ({@code DecisionRequest.MAX_WINDOW}, which a
   * test in the model checks), so every request the parser accepts is one the model can decide.
   */
  public static final Duration MAX_SEND_WINDOW = Duration.ofDays(28);

  public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
  public static final int MAX_ID_LENGTH = 256;
  public static final int MAX_TEXT_LENGTH = 2_048;
  public static final int MAX_MAP_ENTRIES = 64;
  public static final int MAX_DEAD_LETTER_PAYLOAD_CHARS = 16 * 1024;

  /** Event types: lower snake case, so operator-defined types look like the built-in ones. */
  public static final Pattern EVENT_TYPE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  /** What an id of the contract may look like (request, event, intent and config entity ids). */
  public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/+=-]*");

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
            .addSerializer(Instant.class, new InstantSerializer())
            .addDeserializer(Instant.class, new InstantDeserializer()));
    // Records read back by a newer version may carry fields added since (schemas only grow).
    m.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    // One JSON object per record: a repeated member name or content after the object is input two
    // readers could understand differently, so it is rejected rather than silently resolved.
    m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
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

  private static final class InstantSerializer extends StdSerializer<Instant> {
    InstantSerializer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeString(Instants.format(value));
    }
  }

  private static final class InstantDeserializer extends StdDeserializer<Instant> {
    InstantDeserializer() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      return Instants.parse(p.getValueAsString());
    }
  }

  /** The latest accepted timestamps, by what they mean, for one parse time. */
  private record Horizon(Instant now) {
    Instant happened() {
      return now.plus(MAX_CLOCK_SKEW);
    }

    Instant starts() {
      return now.plus(MAX_SCHEDULE_AHEAD);
    }

    Instant scheduled() {
      return now.plus(MAX_SCHEDULE_AHEAD).plus(MAX_SEND_WINDOW);
    }
  }

  public static Parsed<Signal> parseSignal(String json) {
    return parseSignal(json, Set.of(), Instant.now());
  }

  /**
   * Parses a signal at the system clock's time.
   *
   * @param extraEventTypes operator-defined event types accepted besides {@link SignalType}
   */
  public static Parsed<Signal> parseSignal(String json, Set<String> extraEventTypes) {
    return parseSignal(json, extraEventTypes, Instant.now());
  }

  /**
   * Parses a signal.
   *
   * @param extraEventTypes operator-defined event types accepted besides {@link SignalType}
   * @param now the parse time that the timestamp limits are relative to
   */
  public static Parsed<Signal> parseSignal(String json, Set<String> extraEventTypes, Instant now) {
    Horizon h = new Horizon(now);
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
          Instant occurredAt = f.requiredInstant("occurred_at", h.happened());
          String universalId = f.optionalId("universal_id", MAX_ID_LENGTH);
          Map<String, String> identity = identityKeys(f);
          requireRecipient(universalId, identity);
          String source = f.optionalId("source", MAX_ID_LENGTH);
          Map<String, Object> properties = f.objectMap("properties", MAX_MAP_ENTRIES);
          return new Signal(
              eventId, eventType, occurredAt, universalId, identity, source, properties);
        });
  }

  public static Parsed<SendRequest> parseSendRequest(String json) {
    return parseSendRequest(json, Instant.now());
  }

  /**
   * Parses a send request.
   *
   * @param now the parse time: the timestamp limits are relative to it, and a window without {@code
   *     not_before} starts at it
   */
  public static Parsed<SendRequest> parseSendRequest(String json, Instant now) {
    Horizon h = new Horizon(now);
    return parse(
        json,
        f -> {
          String requestId = f.requiredIdentifier("request_id", IDENTIFIER, MAX_ID_LENGTH);
          String universalId = f.optionalId("universal_id", MAX_ID_LENGTH);
          Map<String, String> identity = identityKeys(f);
          requireRecipient(universalId, identity);
          String intentId = f.requiredIdentifier("intent_id", IDENTIFIER, MAX_ID_LENGTH);
          Instant notBefore = f.optionalInstant("not_before", h.starts());
          Instant notAfter = f.optionalInstant("not_after", h.scheduled());
          if (notBefore != null && notAfter != null && !notAfter.isAfter(notBefore)) {
            throw new Rejection(
                RejectReason.TIMESTAMP_OUT_OF_RANGE,
                "'not_after' (" + notAfter + ") must be after 'not_before' (" + notBefore + ")");
          }
          if (notAfter != null) {
            Instant start = notBefore == null ? now : notBefore;
            if (Duration.between(start, notAfter).compareTo(MAX_SEND_WINDOW) > 0) {
              throw new Rejection(
                  RejectReason.WINDOW_TOO_LONG,
                  "the window from "
                      + (notBefore == null ? "now (" + now + ")" : "'not_before' (" + start + ")")
                      + " to 'not_after' ("
                      + notAfter
                      + ") is longer than "
                      + MAX_SEND_WINDOW.toDays()
                      + " days");
            }
          }
          Instant requestedAt = f.optionalInstant("requested_at", h.happened());
          Map<String, String> metadata =
              f.stringMap("metadata", MAX_MAP_ENTRIES, MAX_TEXT_LENGTH, false);
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
    return parseDecision(json, Instant.now());
  }

  /** Parses a decision; the timestamp limits are relative to {@code now}. */
  public static Parsed<TimingDecision> parseDecision(String json, Instant now) {
    Horizon h = new Horizon(now);
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
              f.requiredId("universal_id", MAX_ID_LENGTH),
              f.requiredInt("version", 1, Integer.MAX_VALUE),
              status,
              f.optionalId("supersedes", MAX_ID_LENGTH),
              f.requiredInt("target_minute_utc", 0, MinuteOfWeek.MINUTES_PER_WEEK - 1),
              f.requiredInstant("target_timestamp_utc", h.scheduled()),
              f.requiredInstant("trigger_timestamp_utc", h.scheduled()),
              f.requiredDouble("latency_estimate_seconds", 0, 86_400),
              f.optionalId("latency_source", 64),
              f.requiredDouble("confidence_score", 0, 1),
              f.requiredId("model_version", 64),
              f.requiredId("explanation_ref", MAX_ID_LENGTH),
              f.requiredInstant("created_at_utc", h.happened()),
              f.optionalInstant("not_after", h.scheduled()),
              f.stringMap("metadata", MAX_MAP_ENTRIES, MAX_TEXT_LENGTH, false),
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
                wf.requiredId("signal", 64), wf.requiredDouble("weight", -1, 1e6)));
      }
    }
    return new TimingDecision.Debug(
        f.optionalInt("base_curve_peak_minute", 0, MinuteOfWeek.MINUTES_PER_WEEK - 1),
        weights,
        f.optionalBoolean("suppressed"));
  }

  public static Parsed<DispatchOutcome> parseDispatchOutcome(String json) {
    return parseDispatchOutcome(json, Instant.now());
  }

  /** Parses a dispatch outcome; the timestamp limits are relative to {@code now}. */
  public static Parsed<DispatchOutcome> parseDispatchOutcome(String json, Instant now) {
    Horizon h = new Horizon(now);
    return parse(
        json,
        f -> {
          OutcomeState state = OutcomeState.fromWire(f.requiredString("state", 32));
          if (state == null) {
            throw new Rejection(RejectReason.UNKNOWN_TYPE, "unknown outcome state");
          }
          return new DispatchOutcome(
              f.requiredId("outcome_id", MAX_ID_LENGTH),
              f.requiredId("decision_id", MAX_ID_LENGTH),
              f.requiredInt("decision_version", 1, Integer.MAX_VALUE),
              f.requiredId("request_id", MAX_ID_LENGTH),
              f.requiredId("intent_id", MAX_ID_LENGTH),
              f.requiredId("universal_id", MAX_ID_LENGTH),
              f.optionalId("binding_id", MAX_ID_LENGTH),
              f.optionalId("idempotency_key", MAX_ID_LENGTH),
              f.optionalId("esp", 64),
              f.optionalId("esp_campaign_id", MAX_ID_LENGTH),
              f.optionalId("esp_template_id", MAX_ID_LENGTH),
              f.optionalId("esp_notification_id", MAX_ID_LENGTH),
              f.requiredInt("attempts", 0, Integer.MAX_VALUE),
              f.optionalInt("esp_status", 100, 599),
              f.optionalId("esp_response_id", MAX_ID_LENGTH),
              f.requiredInstant("trigger_timestamp_utc", h.scheduled()),
              f.optionalInstant("fired_at", h.happened()),
              f.requiredLong("lateness_millis", Long.MIN_VALUE),
              state,
              f.optionalString("detail", MAX_TEXT_LENGTH * 4));
        });
  }

  /**
   * Parses an explanation row from the explanations topic. The status is checked for its form only,
   * not against {@link DecisionStatus}: a loader older than the timing job must still store the
   * audit rows of a status added since.
   */
  public static Parsed<ExplanationRow> parseExplanationRow(String json) {
    return parseExplanationRow(json, Instant.now());
  }

  /** Parses an explanation row; the timestamp limits are relative to {@code now}. */
  public static Parsed<ExplanationRow> parseExplanationRow(String json, Instant now) {
    Horizon h = new Horizon(now);
    return parse(
        json,
        f ->
            new ExplanationRow(
                f.requiredIdentifier("decision_id", IDENTIFIER, MAX_ID_LENGTH),
                f.requiredIdentifier("explanation_ref", IDENTIFIER, MAX_ID_LENGTH),
                f.requiredIdentifier("request_id", IDENTIFIER, MAX_ID_LENGTH),
                f.requiredIdentifier("intent_id", IDENTIFIER, MAX_ID_LENGTH),
                f.requiredString("universal_id", MAX_ID_LENGTH),
                f.requiredInt("decision_version", 1, Integer.MAX_VALUE),
                f.requiredIdentifier("status", EVENT_TYPE, 32),
                f.requiredInstant("created_at", h.happened()),
                f.requiredInt("target_minute_utc", 0, MinuteOfWeek.MINUTES_PER_WEEK - 1),
                f.requiredInstant("target_timestamp", h.scheduled()),
                f.requiredInstant("trigger_timestamp", h.scheduled()),
                f.requiredDouble("latency_estimate_seconds", 0, 86_400),
                f.optionalString("latency_source", 64),
                f.requiredDouble("confidence_score", 0, 1),
                f.requiredString("model_version", 64),
                embeddedJson(f, "context_weights_json", true),
                f.optionalBoolean("suppressed"),
                embeddedJson(f, "explanation_json", false)));
  }

  /** A field holding JSON text (stored as is): it must be a JSON array or object as named. */
  private static String embeddedJson(JsonFields f, String field, boolean array) {
    String text = f.requiredString(field, MAX_PAYLOAD_BYTES);
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new Rejection(
          RejectReason.INVALID_FIELD,
          "'" + field + "' is not valid JSON: " + e.getOriginalMessage());
    }
    if (array ? !node.isArray() : !node.isObject()) {
      throw new Rejection(
          RejectReason.INVALID_FIELD,
          "'" + field + "' must hold a JSON " + (array ? "array" : "object"));
    }
    return text;
  }

  public static Parsed<ConfigChange> parseConfigChange(String json) {
    return parseConfigChange(json, Instant.now());
  }

  /** Parses a config change; the timestamp limits are relative to {@code now}. */
  public static Parsed<ConfigChange> parseConfigChange(String json, Instant now) {
    Horizon h = new Horizon(now);
    return parse(
        json,
        f ->
            new ConfigChange(
                f.requiredIdentifier("entity_type", EVENT_TYPE, 64),
                f.requiredIdentifier("entity_id", IDENTIFIER, MAX_ID_LENGTH),
                f.requiredLong("version", 1),
                f.requiredInstant("changed_at", h.happened()),
                f.optionalBoolean("tombstone"),
                f.objectMap("snapshot", MAX_MAP_ENTRIES)));
  }

  public static Parsed<DeadLetter> parseDeadLetter(String json) {
    return parseDeadLetter(json, Instant.now());
  }

  /**
   * Parses a dead letter; the timestamp limits are relative to {@code now}. Its {@code key}, {@code
   * detail} and {@code payload} are the rejected input as it came, so they are free text.
   */
  public static Parsed<DeadLetter> parseDeadLetter(String json, Instant now) {
    Horizon h = new Horizon(now);
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
              f.requiredId("dead_letter_id", MAX_ID_LENGTH),
              f.requiredId("stage", MAX_ID_LENGTH),
              f.optionalId("source_topic", MAX_ID_LENGTH),
              f.optionalString("key", MAX_PAYLOAD_BYTES),
              reason,
              f.optionalString("detail", MAX_TEXT_LENGTH * 4),
              f.optionalString("payload", MAX_PAYLOAD_BYTES),
              f.optionalBoolean("payload_truncated"),
              f.requiredInstant("rejected_at", h.happened()));
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
      int end = MAX_DEAD_LETTER_PAYLOAD_CHARS;
      if (Character.isHighSurrogate(body.charAt(end - 1))) {
        end--; // never cut a surrogate pair in half: the dead letter itself must stay well-formed
      }
      body = body.substring(0, end);
    }
    String id =
        UUID.nameUUIDFromBytes(
                (stage + "|" + sourceTopic + "|" + key + "|" + payload)
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    return new DeadLetter(id, stage, sourceTopic, key, reason, detail, body, truncated, now);
  }

  private static Map<String, String> identityKeys(JsonFields f) {
    Map<String, String> identity = f.stringMap("identity_keys", 16, MAX_ID_LENGTH, true);
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

  /**
   * Jackson's message, which may quote the input, made safe to carry in a dead letter: no lone
   * surrogates, no control characters, bounded length.
   */
  private static String safe(JsonProcessingException e) {
    String m = String.valueOf(e.getOriginalMessage());
    StringBuilder b = new StringBuilder(Math.min(m.length(), 512));
    for (int i = 0; i < m.length() && b.length() < 512; i++) {
      char c = m.charAt(i);
      b.append(Character.isSurrogate(c) || Text.isControl(c) ? '?' : c);
    }
    return b.toString();
  }

  private static <T> Parsed<T> parse(String json, Function<JsonFields, T> reader) {
    if (json == null || json.isBlank()) {
      return new Parsed.Rejected<>(RejectReason.MALFORMED_JSON, "empty payload");
    }
    // A UTF-16 unit takes at most three bytes in UTF-8: count them only when it could matter.
    long bytes = json.length();
    if (bytes * 3 > MAX_PAYLOAD_BYTES) {
      bytes = json.getBytes(StandardCharsets.UTF_8).length;
    }
    if (bytes > MAX_PAYLOAD_BYTES) {
      return new Parsed.Rejected<>(
          RejectReason.PAYLOAD_TOO_LARGE,
          "payload is " + bytes + " bytes, at most " + MAX_PAYLOAD_BYTES + " allowed");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (StreamReadException e) {
      // Jackson reports duplicates only through the message: pinned by a test.
      if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field ")) {
        return new Parsed.Rejected<>(
            RejectReason.DUPLICATE_KEY, "a JSON object repeats a member name: " + safe(e));
      }
      return new Parsed.Rejected<>(RejectReason.MALFORMED_JSON, "not valid JSON: " + safe(e));
    } catch (JsonProcessingException e) {
      return new Parsed.Rejected<>(RejectReason.MALFORMED_JSON, "not valid JSON: " + safe(e));
    }
    try {
      Text.requireWellFormed(node, "");
      return new Parsed.Ok<>(reader.apply(new JsonFields(node, MAPPER)));
    } catch (Rejection r) {
      return new Parsed.Rejected<>(r.reason, r.getMessage());
    } catch (RuntimeException e) {
      // Parsing must never throw: an exception here would fail the task on every restart. The
      // rules above are meant to leave nothing for this line; a test fuzzes every parser for it.
      return new Parsed.Rejected<>(
          RejectReason.INVALID_FIELD,
          "the payload cannot be read into a record: " + e.getClass().getSimpleName());
    }
  }
}
