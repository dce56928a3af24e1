package com.sendflowr.sandbox.esp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Iterable's workflow trigger, {@value #PATH}: the {@code Api-Key} header (401 {@code BadApiKey}
 * otherwise), an integral {@code workflowId}, the user by {@code email} or {@code userId} (or a
 * {@code listId}), {@code dataFields} an object. Every answer is Iterable's {@code {msg, code,
 * params}} document: 200 {@code Success}, 400 {@code BadParams}, 429 {@code RateLimitExceeded}.
 *
 * <p>Iterable does not deduplicate workflow triggers, so neither does this sandbox; each accepted
 * trigger is keyed by the {@code sendflowr_idempotency_key} in its {@code dataFields}.
 *
 * <p>Per <a href="https://api.iterable.com/api/docs#workflows_triggerWorkflow">Iterable's API
 * reference</a>.
 */
public final class IterableSandbox implements SandboxVendor {
  public static final String NAME = "iterable";
  public static final String PATH = "/api/workflows/triggerWorkflow";

  private final Set<String> acceptedApiKeys;

  public IterableSandbox(Set<String> acceptedApiKeys) {
    this.acceptedApiKeys = Set.copyOf(acceptedApiKeys);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SandboxResponse handle(
      SandboxRequest request, List<AcceptedEvent> accepted, List<String> suppressed) {
    if (!PATH.equals(request.path())) {
      return answer(404, "No endpoint at " + request.path(), "NotFound");
    }
    if (!"POST".equals(request.method())) {
      return new SandboxResponse(
          405, answer(405, "Method not allowed", "BadParams").body(), Map.of("Allow", "POST"));
    }
    if (!VendorSupport.accepted(acceptedApiKeys, request.header("Api-Key"))) {
      return answer(401, "Invalid API key", "BadApiKey");
    }
    JsonNode json = request.json();
    if (json == null || !json.isObject()) {
      return answer(400, "Invalid JSON body", "BadJsonBody");
    }
    JsonNode workflowId = json.get("workflowId");
    if (workflowId == null || !workflowId.isIntegralNumber() || workflowId.asLong() <= 0) {
      return answer(400, "workflowId must be a positive integer", "BadParams");
    }
    String email = VendorSupport.text(json, "email");
    String userId = VendorSupport.text(json, "userId");
    if (email == null && userId == null && !json.has("listId")) {
      return answer(400, "An email, userId or listId is required", "BadParams");
    }
    if (email != null && !VendorSupport.EMAIL.matcher(email).matches()) {
      return answer(400, "Invalid email: " + email, "InvalidEmailAddressError");
    }
    if (!VendorSupport.isObjectOrAbsent(json, "dataFields")) {
      return answer(400, "dataFields must be an object", "BadParams");
    }
    ObjectNode who = VendorSupport.object();
    if (email != null) {
      who.put("email", email);
    }
    if (userId != null) {
      who.put("userId", userId);
    }
    JsonNode dataFields = json.path("dataFields");
    accepted.add(
        new AcceptedEvent(
            NAME,
            PATH,
            request.receivedAt(),
            VendorSupport.carriedKey(dataFields),
            workflowId.asText(),
            who,
            json,
            dataFields));
    return answer(200, "", "Success");
  }

  @Override
  public SandboxResponse fault(int status, long retryAfterSeconds) {
    SandboxResponse a =
        status == 429
            ? answer(429, "Rate limit exceeded", "RateLimitExceeded")
            : answer(
                status, "Sandbox fault " + status, status >= 500 ? "GenericError" : "BadParams");
    return new SandboxResponse(
        status, a.body(), VendorSupport.rateLimitHeaders(status, retryAfterSeconds));
  }

  @Override
  public SandboxResponse serverError(String detail) {
    return answer(500, detail, "GenericError");
  }

  private static SandboxResponse answer(int status, String msg, String code) {
    ObjectNode body = VendorSupport.object();
    body.put("msg", msg);
    body.put("code", code);
    body.putNull("params");
    return SandboxResponse.json(status, body.toString());
  }
}
