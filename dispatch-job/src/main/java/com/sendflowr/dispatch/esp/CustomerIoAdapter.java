package com.sendflowr.dispatch.esp;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.Contracts;
import com.sendflowr.dispatch.DispatchCommand;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Customer.io, in the two ways a brand triggers a message there:
 *
 * <ul>
 *   <li>{@code event_name}: a Track API event for the person ({@code POST
 *       /api/v1/customers/{identifier}/events}) that the brand's campaign is triggered by. Basic
 *       auth with {@code site_id:api_key}, so the credential holds exactly that pair. The event
 *       {@code id} is a ULID made from the idempotency key: Customer.io does not process an event
 *       whose id it already received, so a retry or replay triggers once.
 *   <li>{@code transactional_message_id}: a transactional email through the App API ({@code POST
 *       /v1/send/email}), Bearer App API key, with {@code identifiers.id}, the decision as {@code
 *       message_data} and {@code to} when the metadata has an email. This endpoint has no
 *       idempotency key; the key travels in {@code message_data}.
 * </ul>
 *
 * <p>From Customer.io's <a href="https://docs.customer.io/integrations/api/track/">Track API</a>
 * and <a href="https://docs.customer.io/integrations/api/app/">App API</a> references. The two APIs
 * live on different hosts ({@code track.customer.io}, {@code api.customer.io}; {@code -eu} in the
 * EU): the App API root is the configured base URL with its {@code track} host part replaced by
 * {@code api}; any other base URL (a sandbox, a proxy) serves both.
 */
public final class CustomerIoAdapter implements EspAdapter {
  private static final long serialVersionUID = 1L;

  public static final String NAME = "customerio";
  public static final String TRANSACTIONAL_EMAIL_PATH = "/v1/send/email";
  private static final Pattern TRACK_HOST = Pattern.compile("^(https?://)track(-[a-z]+)?\\.");
  private static final Pattern NUMERIC = Pattern.compile("[0-9]{1,18}");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String defaultBaseUrl() {
    return "https://track.customer.io";
  }

  /** The Track API path of a person's events. */
  public static String eventsPath(String identifier) {
    return "/api/v1/customers/"
        + URLEncoder.encode(identifier, StandardCharsets.UTF_8).replace("+", "%20")
        + "/events";
  }

  /** The App API root that goes with a Track API root. */
  public static String appBaseUrl(String trackBaseUrl) {
    return TRACK_HOST.matcher(Wire.trimSlash(trackBaseUrl)).replaceFirst("$1api$2.");
  }

  @Override
  public EspRequest build(DispatchCommand command, String baseUrl, String apiKey) {
    IntentBinding b = command.binding();
    if (b.eventName() != null) {
      return trackEvent(command, baseUrl, apiKey);
    }
    if (b.transactionalMessageId() != null) {
      return transactionalEmail(command, baseUrl, apiKey);
    }
    throw new IllegalArgumentException(
        "'event_name' or 'transactional_message_id' is required for Customer.io");
  }

  private EspRequest trackEvent(DispatchCommand command, String baseUrl, String credential) {
    if (credential.indexOf(':') <= 0 || credential.endsWith(":")) {
      throw new IllegalArgumentException(
          "the Customer.io Track API credential of ref '"
              + command.binding().credentialRef()
              + "' must be site_id:api_key");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", command.binding().eventName());
    body.put(
        "id",
        IdempotencyKeys.ulid(command.idempotencyKey(), command.decision().triggerTimestampUtc()));
    body.put("timestamp", command.firedAt().getEpochSecond());
    body.put("data", DispatchProperties.withKey(command));
    String basic = Base64.getEncoder().encodeToString(credential.getBytes(StandardCharsets.UTF_8));
    return new EspRequest(
        "POST",
        Wire.trimSlash(baseUrl) + eventsPath(command.decision().universalId()),
        Map.of("Authorization", "Basic " + basic, "Content-Type", Wire.JSON),
        Contracts.toJson(body));
  }

  private EspRequest transactionalEmail(DispatchCommand command, String baseUrl, String appKey) {
    String messageId = command.binding().transactionalMessageId();
    Map<String, Object> body = new LinkedHashMap<>();
    // The id is a number in Customer.io's examples; a message's trigger name is a string.
    body.put(
        "transactional_message_id",
        NUMERIC.matcher(messageId).matches() ? (Object) Long.parseLong(messageId) : messageId);
    body.put("identifiers", Map.of("id", command.decision().universalId()));
    Wire.putIfPresent(body, "to", DispatchProperties.email(command));
    body.put("message_data", DispatchProperties.withKey(command));
    return new EspRequest(
        "POST",
        appBaseUrl(baseUrl) + TRANSACTIONAL_EMAIL_PATH,
        Map.of("Authorization", "Bearer " + appKey, "Content-Type", Wire.JSON),
        Contracts.toJson(body));
  }

  @Override
  public String responseId(int status, String body) {
    return Wire.jsonText(body, "delivery_id");
  }
}
