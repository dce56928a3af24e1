package com.sendflowr.sandbox.esp;

import static com.sendflowr.sandbox.esp.VendorSupport.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Braze's API-triggered sends: {@value #CAMPAIGN_PATH} and {@value #CANVAS_PATH}, {@code
 * Authorization: Bearer} REST key (401 otherwise), a {@code campaign_id} or {@code canvas_id}, 1 to
 * {@value #MAX_RECIPIENTS} recipients each named by exactly one of {@code external_user_id}, {@code
 * user_alias}, {@code braze_id} or {@code email} (which also needs {@code prioritization}), and
 * object-valued {@code trigger_properties} / {@code canvas_entry_properties}. Success is 201 with
 * {@code dispatch_id} and {@code "message": "success"}; errors are {@code {"message", "errors"}}.
 *
 * <p>Braze does not deduplicate trigger sends, so neither does this sandbox: each recipient is an
 * accepted event, keyed by the {@code sendflowr_idempotency_key} it carries so repeats show.
 *
 * <p>Per <a
 * href="https://www.braze.com/docs/api/endpoints/messaging/send_messages/post_send_triggered_campaigns/">campaign</a>
 * and <a
 * href="https://www.braze.com/docs/api/endpoints/messaging/send_messages/post_send_triggered_canvases/">Canvas</a>
 * trigger send and the <a href="https://www.braze.com/docs/api/objects_filters/recipient_object">
 * recipient object</a>.
 */
public final class BrazeSandbox implements SandboxVendor {
  public static final String NAME = "braze";
  public static final String CAMPAIGN_PATH = "/campaigns/trigger/send";
  public static final String CANVAS_PATH = "/canvas/trigger/send";
  public static final int MAX_RECIPIENTS = 50;
  private static final List<String> RECIPIENT_IDS =
      List.of("external_user_id", "user_alias", "braze_id", "email");

  private final Set<String> acceptedApiKeys;

  public BrazeSandbox(Set<String> acceptedApiKeys) {
    this.acceptedApiKeys = Set.copyOf(acceptedApiKeys);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SandboxResponse handle(
      SandboxRequest request, List<AcceptedEvent> accepted, List<String> suppressed) {
    boolean canvas = CANVAS_PATH.equals(request.path());
    if (!canvas && !CAMPAIGN_PATH.equals(request.path())) {
      return error(404, "No endpoint at " + request.path(), List.of());
    }
    if (!"POST".equals(request.method())) {
      return new SandboxResponse(
          405, error(405, "Method not allowed", List.of()).body(), Map.of("Allow", "POST"));
    }
    if (!VendorSupport.accepted(acceptedApiKeys, VendorSupport.bearer(request))) {
      return error(
          401, "Invalid API key: send 'Authorization: Bearer YOUR-REST-API-KEY'", List.of());
    }
    JsonNode json = request.json();
    if (json == null || !json.isObject()) {
      return error(400, "Invalid JSON in the request body", List.of());
    }
    String idMember = canvas ? "canvas_id" : "campaign_id";
    String propertiesMember = canvas ? "canvas_entry_properties" : "trigger_properties";
    List<String> errors = new ArrayList<>();
    String targetId = VendorSupport.text(json, idMember);
    if (targetId == null) {
      errors.add(idMember + " is required");
    }
    JsonNode recipients = json.get("recipients");
    if (recipients == null) {
      if (!json.path("broadcast").asBoolean(false)) {
        errors.add("broadcast must be true when recipients is omitted");
      }
    } else if (!recipients.isArray()
        || recipients.isEmpty()
        || recipients.size() > MAX_RECIPIENTS) {
      errors.add("recipients must be an array of 1 to " + MAX_RECIPIENTS + " recipient objects");
    } else {
      for (int i = 0; i < recipients.size(); i++) {
        checkRecipient(recipients.get(i), "recipients[" + i + "]", errors);
      }
    }
    if (!VendorSupport.isObjectOrAbsent(json, "trigger_properties")) {
      errors.add("trigger_properties must be an object");
    }
    if (!errors.isEmpty()) {
      return error(400, "Invalid request", errors);
    }
    if (recipients != null) {
      for (JsonNode recipient : recipients) {
        ObjectNode who = VendorSupport.object();
        for (String id : RECIPIENT_IDS) {
          if (recipient.has(id)) {
            who.set(id, recipient.get(id));
          }
        }
        JsonNode properties = recipient.path(propertiesMember);
        accepted.add(
            new AcceptedEvent(
                NAME,
                request.path(),
                request.receivedAt(),
                VendorSupport.carriedKey(properties),
                targetId,
                who,
                recipient,
                properties));
      }
    }
    ObjectNode ok = VendorSupport.object();
    ok.put("dispatch_id", UUID.randomUUID().toString().replace("-", ""));
    ok.put("message", "success");
    return SandboxResponse.json(201, ok.toString());
  }

  private static void checkRecipient(JsonNode r, String where, List<String> errors) {
    if (!r.isObject()) {
      errors.add(where + " must be an object");
      return;
    }
    long ids = RECIPIENT_IDS.stream().filter(r::has).count();
    if (ids != 1) {
      errors.add(where + " must have exactly one of " + String.join(", ", RECIPIENT_IDS));
    }
    if (r.has("external_user_id") && VendorSupport.text(r, "external_user_id") == null) {
      errors.add(where + ".external_user_id must be a non-empty string");
    }
    if (r.has("email") && !r.path("prioritization").isArray()) {
      errors.add(where + ".prioritization is required when using email");
    }
    for (String member : List.of("trigger_properties", "canvas_entry_properties", "attributes")) {
      if (!VendorSupport.isObjectOrAbsent(r, member)) {
        errors.add(where + "." + member + " must be an object");
      }
    }
    if (r.has("send_to_existing_only") && !r.get("send_to_existing_only").isBoolean()) {
      errors.add(where + ".send_to_existing_only must be a boolean");
    }
  }

  @Override
  public SandboxResponse fault(int status, long retryAfterSeconds) {
    String message = status == 429 ? "API rate limit exceeded" : "Sandbox fault " + status;
    return new SandboxResponse(
        status,
        error(status, message, List.of()).body(),
        VendorSupport.rateLimitHeaders(status, retryAfterSeconds));
  }

  @Override
  public SandboxResponse serverError(String detail) {
    return error(500, "Internal server error: " + detail, List.of());
  }

  private static SandboxResponse error(int status, String message, List<String> errors) {
    ObjectNode body = VendorSupport.object();
    body.put("message", message);
    if (!errors.isEmpty()) {
      body.set("errors", JSON.valueToTree(errors));
    }
    return SandboxResponse.json(status, body.toString());
  }
}
