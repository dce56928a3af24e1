package com.sendflowr.sandbox.esp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Customer.io's Track API events and App API transactional email, on one port:
 *
 * <ul>
 *   <li>{@code POST /api/v1/customers/{identifier}/events}: Basic auth {@code site_id:api_key}; a
 *       {@code name}; an optional {@code id} that must be a ULID; {@code timestamp} in Unix
 *       seconds; {@code data} an object. 200 {@code {}}. An event whose {@code id} was already
 *       received is answered 200 and not processed again (Customer.io's deduplication), counted as
 *       suppressed.
 *   <li>{@code POST /v1/send/email}: Bearer App API key; {@code transactional_message_id} (number
 *       or trigger name); {@code identifiers} with exactly one of {@code id}, {@code email}, {@code
 *       cio_id}; {@code message_data} an object. 200 {@code {delivery_id, queued_at}}.
 * </ul>
 *
 * Errors are {@code {"meta": {"error": ...}}}. Keys: a Track credential is accepted as {@code
 * site_id:api_key}, an App key as itself; an empty set accepts any well-formed one.
 *
 * <p>Per Customer.io's <a href="https://docs.customer.io/integrations/api/track/">Track API</a> and
 * <a href="https://docs.customer.io/integrations/api/app/">App API</a> references.
 */
public final class CustomerIoSandbox implements SandboxVendor {
  public static final String NAME = "customerio";
  public static final String TRANSACTIONAL_EMAIL_PATH = "/v1/send/email";
  private static final Pattern EVENTS_PATH = Pattern.compile("^/api/v1/customers/([^/]+)/events$");
  private static final Pattern ULID = Pattern.compile("[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}");
  private static final Pattern BASIC = Pattern.compile("^Basic\\s+(\\S+)\\s*$");
  private static final List<String> IDENTIFIERS = List.of("id", "email", "cio_id");

  /** Unix seconds; a millisecond timestamp is far above this. */
  private static final long MAX_TIMESTAMP_SECONDS = 100_000_000_000L;

  private final Set<String> acceptedKeys;
  private final Set<String> seenEventIds = ConcurrentHashMap.newKeySet();

  public CustomerIoSandbox(Set<String> acceptedKeys) {
    this.acceptedKeys = Set.copyOf(acceptedKeys);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void reset() {
    seenEventIds.clear();
  }

  @Override
  public SandboxResponse handle(
      SandboxRequest request, List<AcceptedEvent> accepted, List<String> suppressed) {
    Matcher events = EVENTS_PATH.matcher(request.path());
    boolean transactional = TRANSACTIONAL_EMAIL_PATH.equals(request.path());
    if (!events.matches() && !transactional) {
      return error(404, "no endpoint at " + request.path());
    }
    if (!"POST".equals(request.method())) {
      return new SandboxResponse(
          405, error(405, "method not allowed").body(), Map.of("Allow", "POST"));
    }
    return events.matches()
        ? trackEvent(
            request,
            URLDecoder.decode(events.group(1), StandardCharsets.UTF_8),
            accepted,
            suppressed)
        : transactionalEmail(request, accepted);
  }

  private SandboxResponse trackEvent(
      SandboxRequest request,
      String person,
      List<AcceptedEvent> accepted,
      List<String> suppressed) {
    if (!VendorSupport.accepted(acceptedKeys, basicCredential(request))) {
      return error(401, "Unauthorized request");
    }
    JsonNode json = request.json();
    if (json == null || !json.isObject()) {
      return error(400, "invalid JSON body");
    }
    String name = VendorSupport.text(json, "name");
    if (name == null) {
      return error(400, "name is required");
    }
    JsonNode id = json.get("id");
    if (id != null && !(id.isTextual() && ULID.matcher(id.asText()).matches())) {
      return error(400, "id must be a ULID");
    }
    JsonNode timestamp = json.get("timestamp");
    if (timestamp != null
        && !(timestamp.isIntegralNumber()
            && timestamp.asLong() >= 0
            && timestamp.asLong() < MAX_TIMESTAMP_SECONDS)) {
      return error(400, "timestamp must be a Unix timestamp in seconds");
    }
    if (!VendorSupport.isObjectOrAbsent(json, "data")) {
      return error(400, "data must be an object");
    }
    String key = id == null ? null : id.asText().toUpperCase(java.util.Locale.ROOT);
    if (key != null && !seenEventIds.add(key)) {
      suppressed.add(key);
      return SandboxResponse.json(200, "{}");
    }
    ObjectNode who = VendorSupport.object();
    who.put("id", person);
    accepted.add(
        new AcceptedEvent(
            NAME, request.path(), request.receivedAt(), key, name, who, json, json.path("data")));
    return SandboxResponse.json(200, "{}");
  }

  private SandboxResponse transactionalEmail(SandboxRequest request, List<AcceptedEvent> accepted) {
    if (!VendorSupport.accepted(acceptedKeys, VendorSupport.bearer(request))) {
      return error(401, "Unauthorized request");
    }
    JsonNode json = request.json();
    if (json == null || !json.isObject()) {
      return error(400, "invalid JSON body");
    }
    JsonNode message = json.get("transactional_message_id");
    if (message == null
        || !(message.isIntegralNumber() || (message.isTextual() && !message.asText().isBlank()))) {
      return error(400, "transactional_message_id is required");
    }
    JsonNode identifiers = json.get("identifiers");
    if (identifiers == null
        || !identifiers.isObject()
        || IDENTIFIERS.stream().filter(identifiers::has).count() != 1
        || identifiers.size() != 1) {
      return error(400, "identifiers must hold exactly one of id, email or cio_id");
    }
    if (!VendorSupport.isObjectOrAbsent(json, "message_data")) {
      return error(400, "message_data must be an object");
    }
    if (json.has("to") && !json.get("to").isTextual()) {
      return error(400, "to must be a string");
    }
    JsonNode data = json.path("message_data");
    accepted.add(
        new AcceptedEvent(
            NAME,
            request.path(),
            request.receivedAt(),
            VendorSupport.carriedKey(data),
            message.asText(),
            identifiers,
            json,
            data));
    ObjectNode ok = VendorSupport.object();
    ok.put("delivery_id", UUID.randomUUID().toString().replace("-", ""));
    ok.put("queued_at", request.receivedAt().getEpochSecond());
    return SandboxResponse.json(200, ok.toString());
  }

  /** {@code site_id:api_key} from Basic auth, or null. */
  private static String basicCredential(SandboxRequest request) {
    String authorization = request.header("Authorization");
    Matcher m = authorization == null ? null : BASIC.matcher(authorization);
    if (m == null || !m.matches()) {
      return null;
    }
    try {
      String pair = new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8);
      int colon = pair.indexOf(':');
      return colon > 0 && colon < pair.length() - 1 ? pair : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public SandboxResponse fault(int status, long retryAfterSeconds) {
    String message = status == 429 ? "rate limit exceeded" : "sandbox fault " + status;
    return new SandboxResponse(
        status,
        error(status, message).body(),
        VendorSupport.rateLimitHeaders(status, retryAfterSeconds));
  }

  @Override
  public SandboxResponse serverError(String detail) {
    return error(500, detail);
  }

  private static SandboxResponse error(int status, String message) {
    ObjectNode body = VendorSupport.object();
    body.putObject("meta").put("error", message);
    return SandboxResponse.json(status, body.toString());
  }
}
