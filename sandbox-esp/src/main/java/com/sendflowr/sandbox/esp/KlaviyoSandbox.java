package com.sendflowr.sandbox.esp;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sendflowr.contract.Instants;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Klaviyo's event APIs: checks requests the way Klaviyo does (API key, {@code revision} header,
 * JSON:API media types, request body against the published OpenAPI schema).
 *
 * <p>Endpoints: {@value #CREATE_EVENT_PATH} (202, empty body) and {@value #BULK_CREATE_EVENTS_PATH}
 * (202, at most {@value #MAX_BULK_EVENTS} events). Errors use Klaviyo's JSON:API error document.
 *
 * <p>Deduplication as Klaviyo documents it for {@code unique_id}: "if the unique_id is repeated for
 * the same profile and metric, only the first processed event will be recorded"; without one,
 * Klaviyo uses the event's time to the second. A repeat is answered 202 like any event and counted
 * as suppressed, not accepted, so a test sees what the brand's Klaviyo account would hold (one
 * event per decision) and, through {@link SandboxEsp#duplicateUniqueIds()}, how often the job
 * repeated itself. The scope matters: the same {@code unique_id} under another metric name or for
 * another profile is a new event, as it is at Klaviyo. Within one bulk create job, the Bulk Create
 * Events description is stricter: a {@code unique_id} repeated there for the same profile and
 * metric fails the whole request (400, no event recorded).
 */
public final class KlaviyoSandbox implements SandboxVendor {

  public static final String NAME = "klaviyo";
  public static final String CREATE_EVENT_PATH = "/api/events";
  public static final String BULK_CREATE_EVENTS_PATH = "/api/event-bulk-create-jobs";
  public static final int MAX_BULK_EVENTS = 1000;
  public static final int MAX_PAYLOAD_BYTES = SandboxEsp.MAX_PAYLOAD_BYTES;
  public static final int MAX_STRING_CHARS = 100 * 1024;
  public static final int MAX_METRIC_NAME_CHARS = 127;

  static final String JSON_API = "application/vnd.api+json";
  private static final Pattern API_KEY = Pattern.compile("^Klaviyo-API-Key\\s+(\\S+)\\s*$");
  private static final Pattern REVISION =
      Pattern.compile("^\\d{4}-\\d{2}-\\d{2}(\\.[A-Za-z0-9]+)?$");
  private static final List<String> PROFILE_IDENTIFIERS =
      List.of("email", "phone_number", "external_id", "anonymous_id", "_kx");
  private static final ObjectMapper JSON = new ObjectMapper();

  // Compiled once: a bulk job walks them for each of its thousand events.
  private static final JsonPointer METRIC_NAME =
      JsonPointer.compile("/metric/data/attributes/name");
  private static final JsonPointer PROFILE_DATA = JsonPointer.compile("/profile/data");
  private static final JsonPointer EVENTS_DATA = JsonPointer.compile("/events/data");

  /** Klaviyo takes no event from before 1990. */
  private static final Instant EARLIEST_EVENT = Instant.parse("1990-01-01T00:00:00Z");

  private final Set<String> acceptedApiKeys;
  private final KlaviyoSpec spec = KlaviyoSpec.get();
  private final Set<String> recorded = ConcurrentHashMap.newKeySet();

  /**
   * @param acceptedApiKeys the private keys accepted; empty accepts any non-blank key
   */
  public KlaviyoSandbox(Set<String> acceptedApiKeys) {
    this.acceptedApiKeys = Set.copyOf(acceptedApiKeys);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String contentType() {
    return JSON_API;
  }

  @Override
  public String describe() {
    return "Klaviyo " + KlaviyoSpec.REVISION;
  }

  @Override
  public void reset() {
    recorded.clear();
  }

  @Override
  public SandboxResponse serverError(String detail) {
    return error(500, "error", "A server error occurred.", detail, null, null);
  }

  @Override
  public SandboxResponse handle(
      SandboxRequest request, List<AcceptedEvent> accepted, List<String> suppressed) {
    String method = request.method();
    String path = request.path();
    boolean bulk = BULK_CREATE_EVENTS_PATH.equals(path);
    if (!bulk && !CREATE_EVENT_PATH.equals(path)) {
      return error(404, "not_found", "Not found.", "No endpoint at " + path, null, null);
    }
    if (!"POST".equals(method)) {
      return new SandboxResponse(
          405,
          errorBody(
              405,
              "method_not_allowed",
              "Method not allowed.",
              "Method \"" + method + "\" not allowed.",
              null,
              null),
          Map.of("Allow", "POST"));
    }

    String authorization = request.header("Authorization");
    Matcher key = authorization == null ? null : API_KEY.matcher(authorization);
    if (key == null || !key.matches()) {
      return error(
          401,
          "not_authenticated",
          "Authentication credentials were not provided.",
          "Missing or invalid private key. Send the header 'Authorization: Klaviyo-API-Key"
              + " <private key>'.",
          null,
          null);
    }
    if (!acceptedApiKeys.isEmpty() && !acceptedApiKeys.contains(key.group(1))) {
      return error(
          401,
          "authentication_failed",
          "Incorrect authentication credentials.",
          "The private API key is not valid.",
          null,
          null);
    }

    String revision = request.header("revision");
    if (revision == null || revision.isBlank()) {
      return error(
          400,
          "invalid",
          "Invalid input.",
          "Missing required header 'revision'.",
          null,
          "revision");
    }
    if (!REVISION.matcher(revision.trim()).matches()) {
      return error(
          400,
          "invalid",
          "Invalid input.",
          "Invalid revision '" + revision + "': expected YYYY-MM-DD[.suffix].",
          null,
          "revision");
    }

    String contentType = request.header("Content-Type");
    if (contentType == null || !isJsonMediaType(contentType)) {
      return error(
          415,
          "unsupported_media_type",
          "Unsupported media type.",
          "Unsupported media type \"" + contentType + "\" in request; use " + JSON_API + ".",
          null,
          null);
    }
    String accept = request.header("Accept");
    if (accept != null && !acceptsJson(accept)) {
      return error(
          406,
          "not_acceptable",
          "Could not satisfy the request Accept header.",
          "Accept header \"" + accept + "\" does not allow " + JSON_API + ".",
          null,
          null);
    }

    if (request.raw().length > MAX_PAYLOAD_BYTES) {
      return error(
          413,
          "request_too_large",
          "Request entity too large.",
          "The payload is "
              + request.raw().length
              + " bytes; the maximum is "
              + MAX_PAYLOAD_BYTES
              + ".",
          null,
          null);
    }
    JsonNode json;
    try {
      json = JSON.readTree(request.body());
    } catch (JsonProcessingException e) {
      return error(
          400,
          "parse_error",
          "Malformed request.",
          "JSON parse error - " + e.getOriginalMessage(),
          "/data",
          null);
    }
    if (json == null || json.isMissingNode()) {
      return error(
          400, "parse_error", "Malformed request.", "Request body is empty.", "/data", null);
    }

    List<KlaviyoSpec.Violation> violations =
        bulk ? spec.validateBulkCreateEvents(json) : spec.validateCreateEvent(json);
    if (!violations.isEmpty()) {
      return invalid(violations);
    }

    List<AcceptedEvent> parsed = new ArrayList<>();
    List<KlaviyoSpec.Violation> semantic =
        bulk
            ? checkBulk(json, request.receivedAt(), parsed)
            : checkCreate(json, request.receivedAt(), parsed);
    String tooLong = findLongString(json);
    if (tooLong != null) {
      semantic.add(
          new KlaviyoSpec.Violation(
              tooLong, "A single string cannot exceed " + MAX_STRING_CHARS + " characters."));
    }
    if (!semantic.isEmpty()) {
      return invalid(semantic);
    }
    for (AcceptedEvent event : parsed) {
      if (recorded.add(dedupScope(event))) {
        accepted.add(event);
      } else {
        suppressed.add(event.uniqueId() != null ? event.uniqueId() : dedupScope(event));
      }
    }
    return SandboxResponse.empty(202);
  }

  /**
   * What Klaviyo records an event under: the profile, the metric and the {@code unique_id} (else
   * the event's time to the second). A profile is taken by its first identifier in Klaviyo's order
   * of precedence, which is how the same person is recognised across calls.
   */
  static String dedupScope(AcceptedEvent event) {
    JsonNode profile = event.profile();
    String who = profile.path("id").asText("");
    if (who.isBlank()) {
      JsonNode attributes = profile.path("attributes");
      for (String identifier : PROFILE_IDENTIFIERS) {
        if (hasText(attributes.get(identifier))) {
          who = identifier + "=" + attributes.get(identifier).asText();
          break;
        }
      }
    }
    String which = event.uniqueId();
    if (which == null) {
      JsonNode time = event.attributes().get("time");
      Instant at = event.receivedAt();
      if (time != null && time.isTextual()) {
        at = dateTime(time.asText());
      }
      which = "time=" + at.getEpochSecond();
    }
    return who + "\u0000" + event.metricName() + "\u0000" + which;
  }

  private static List<KlaviyoSpec.Violation> checkCreate(
      JsonNode json, Instant receivedAt, List<AcceptedEvent> out) {
    List<KlaviyoSpec.Violation> violations = new ArrayList<>();
    JsonNode attributes = json.at("/data/attributes");
    JsonNode profile = attributes.at(PROFILE_DATA);
    checkProfile(profile, "/data/attributes/profile/data", violations);
    checkEvent(attributes, "/data/attributes", receivedAt, violations);
    out.add(event(CREATE_EVENT_PATH, receivedAt, profile, attributes));
    return violations;
  }

  private static List<KlaviyoSpec.Violation> checkBulk(
      JsonNode json, Instant receivedAt, List<AcceptedEvent> out) {
    List<KlaviyoSpec.Violation> violations = new ArrayList<>();
    String listPointer = "/data/attributes/events-bulk-create/data";
    JsonNode entries = json.at(listPointer);
    Set<String> inThisJob = new HashSet<>();
    int total = 0;
    for (int i = 0; i < entries.size(); i++) {
      String entryPointer = listPointer + "/" + i + "/attributes";
      JsonNode entry = entries.get(i).path("attributes");
      JsonNode profile = entry.at(PROFILE_DATA);
      checkProfile(profile, entryPointer + "/profile/data", violations);
      JsonNode entryEvents = entry.at(EVENTS_DATA);
      for (int j = 0; j < entryEvents.size(); j++) {
        JsonNode attributes = entryEvents.get(j).path("attributes");
        String eventPointer = entryPointer + "/events/data/" + j + "/attributes";
        checkEvent(attributes, eventPointer, receivedAt, violations);
        AcceptedEvent event = event(BULK_CREATE_EVENTS_PATH, receivedAt, profile, attributes);
        if (event.uniqueId() != null && !inThisJob.add(dedupScope(event))) {
          violations.add(
              new KlaviyoSpec.Violation(
                  eventPointer + "/unique_id",
                  "The unique_id '"
                      + event.uniqueId()
                      + "' is repeated for the same profile and metric; the request fails and no"
                      + " events are processed."));
        }
        out.add(event);
        total++;
      }
    }
    if (total > MAX_BULK_EVENTS) {
      violations.add(
          0,
          new KlaviyoSpec.Violation(
              listPointer,
              "A bulk create job accepts at most "
                  + MAX_BULK_EVENTS
                  + " events; this request has "
                  + total
                  + "."));
    }
    return violations;
  }

  private static void checkProfile(
      JsonNode profile, String pointer, List<KlaviyoSpec.Violation> violations) {
    if (hasText(profile.get("id"))) {
      return;
    }
    JsonNode attributes = profile.path("attributes");
    for (String identifier : PROFILE_IDENTIFIERS) {
      if (hasText(attributes.get(identifier))) {
        return;
      }
    }
    violations.add(
        new KlaviyoSpec.Violation(
            pointer + "/attributes",
            "A profile needs at least one identifier: id, email, phone_number, external_id,"
                + " anonymous_id or _kx."));
  }

  private static void checkEvent(
      JsonNode attributes, String pointer, Instant now, List<KlaviyoSpec.Violation> violations) {
    String name = attributes.at(METRIC_NAME).asText("");
    if (name.isBlank() || name.length() > MAX_METRIC_NAME_CHARS) {
      violations.add(
          new KlaviyoSpec.Violation(
              pointer + "/metric/data/attributes/name",
              "The metric name must be 1 to " + MAX_METRIC_NAME_CHARS + " characters long."));
    }
    JsonNode properties = attributes.path("properties");
    if (properties.size() > 400) {
      violations.add(
          new KlaviyoSpec.Violation(
              pointer + "/properties", "An event must not have more than 400 properties."));
    }
    JsonNode time = attributes.get("time");
    if (time != null && time.isTextual()) {
      try {
        Instant t = dateTime(time.asText());
        if (t.isBefore(EARLIEST_EVENT) || t.isAfter(now.plus(Duration.ofDays(365)))) {
          violations.add(
              new KlaviyoSpec.Violation(
                  pointer + "/time",
                  "The time must be after 1990 and at most 1 year in the future."));
        }
      } catch (DateTimeParseException e) {
        violations.add(new KlaviyoSpec.Violation(pointer + "/time", "Invalid date-time."));
      }
    }
  }

  /**
   * An ISO 8601 date-time with an offset, as Klaviyo reads {@code time}. The UTC form SendFlowr
   * sends takes the fast path; {@code java.time}'s general parser was a sixth of the sandbox's CPU
   * on bulk jobs.
   */
  static Instant dateTime(String text) {
    // Instant.parse, where Instants.parse sends what it does not read itself, takes a time without
    // seconds, 24:00 and a leap second differently: those go to OffsetDateTime.parse.
    boolean plain =
        text.length() >= 20
            && Instants.isUtcShape(text)
            && (text.charAt(11) - '0') * 10 + (text.charAt(12) - '0') < 24
            && text.charAt(17) < '6';
    return plain ? Instants.parse(text) : OffsetDateTime.parse(text).toInstant();
  }

  private static AcceptedEvent event(
      String path, Instant receivedAt, JsonNode profile, JsonNode attributes) {
    JsonNode uniqueId = attributes.get("unique_id");
    return new AcceptedEvent(
        NAME,
        path,
        receivedAt,
        hasText(uniqueId) ? uniqueId.asText() : null,
        attributes.at(METRIC_NAME).asText(null),
        profile,
        attributes,
        attributes.path("properties"));
  }

  /**
   * The JSON pointer of the first string longer than Klaviyo allows, or null. The pointer is built
   * only for that string: building one for every node of a thousand-event bulk job cost the sandbox
   * more than its schema validation.
   */
  private static String findLongString(JsonNode node) {
    Deque<String> path = new ArrayDeque<>();
    if (!hasLongString(node, path)) {
      return null;
    }
    StringBuilder pointer = new StringBuilder();
    for (String segment : path) {
      pointer.append('/').append(segment.replace("~", "~0").replace("/", "~1"));
    }
    return pointer.length() == 0 ? "/" : pointer.toString();
  }

  private static boolean hasLongString(JsonNode node, Deque<String> path) {
    if (node.isTextual()) {
      return node.textValue().length() > MAX_STRING_CHARS;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        path.addLast(Integer.toString(i));
        if (hasLongString(node.get(i), path)) {
          return true;
        }
        path.removeLast();
      }
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        path.addLast(field.getKey());
        if (hasLongString(field.getValue(), path)) {
          return true;
        }
        path.removeLast();
      }
    }
    return false;
  }

  private static boolean hasText(JsonNode node) {
    return node != null && node.isTextual() && !node.asText().isBlank();
  }

  private static boolean isJsonMediaType(String contentType) {
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals(JSON_API) || type.equals("application/json");
  }

  private static boolean acceptsJson(String accept) {
    for (String part : accept.split(",")) {
      String type = part.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (type.equals(JSON_API)
          || type.equals("application/json")
          || type.equals("application/*")
          || type.equals("*/*")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public SandboxResponse fault(int status, long retryAfter) {
    Map<String, String> headers = new HashMap<>();
    if (retryAfter >= 0) {
      headers.put("Retry-After", String.valueOf(retryAfter));
    }
    String body;
    if (status == 429) {
      long seconds = Math.max(retryAfter, 0);
      body =
          errorBody(
              429,
              "throttled",
              "Request was throttled.",
              "Request was throttled. Expected available in "
                  + seconds
                  + " second"
                  + (seconds == 1 ? "" : "s")
                  + ".",
              null,
              null);
    } else if (status >= 500) {
      body =
          errorBody(
              status,
              "error",
              "A server error occurred.",
              "Sandbox fault " + status + ".",
              null,
              null);
    } else {
      body =
          errorBody(status, "error", "Client error.", "Sandbox fault " + status + ".", null, null);
    }
    return new SandboxResponse(status, body, headers);
  }

  private static SandboxResponse invalid(List<KlaviyoSpec.Violation> violations) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode errors = root.putArray("errors");
    for (KlaviyoSpec.Violation v : violations.subList(0, Math.min(violations.size(), 20))) {
      errors.add(errorNode(400, "invalid", "Invalid input.", v.message(), v.pointer(), null));
    }
    return new SandboxResponse(400, root.toString(), Map.of());
  }

  private static SandboxResponse error(
      int status, String code, String title, String detail, String pointer, String parameter) {
    return new SandboxResponse(
        status, errorBody(status, code, title, detail, pointer, parameter), Map.of());
  }

  static String errorBody(
      int status, String code, String title, String detail, String pointer, String parameter) {
    ObjectNode root = JSON.createObjectNode();
    root.putArray("errors").add(errorNode(status, code, title, detail, pointer, parameter));
    return root.toString();
  }

  private static ObjectNode errorNode(
      int status, String code, String title, String detail, String pointer, String parameter) {
    ObjectNode error = JSON.createObjectNode();
    error.put("id", UUID.randomUUID().toString());
    error.put("status", status);
    error.put("code", code);
    error.put("title", title);
    error.put("detail", detail);
    ObjectNode source = error.putObject("source");
    if (parameter != null) {
      source.put("parameter", parameter);
    } else {
      source.put("pointer", pointer == null ? "/data/" : pointer);
    }
    return error;
  }
}
