package com.sendflowr.sandbox.esp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver of SendFlowr's generic webhook, doing what the webhook's documentation asks of one:
 * any path, POST, {@code X-SendFlowr-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." +
 * body)>} verified against each accepted secret in constant time, {@code X-SendFlowr-Timestamp}
 * within {@link #TOLERANCE} of arrival (401 otherwise), a JSON body of type {@code
 * sendflowr.dispatch}, and a repeated {@code Idempotency-Key} answered 200 but not processed again.
 * Answers 200 {@code {"received": true}}.
 *
 * <p>With no secrets configured it checks only that both headers are present and well-formed.
 */
public final class WebhookSandbox implements SandboxVendor {
  public static final String NAME = "webhook";
  public static final Duration TOLERANCE = Duration.ofMinutes(5);

  private final Set<String> secrets;
  private final Set<String> seenKeys = ConcurrentHashMap.newKeySet();

  public WebhookSandbox(Set<String> secrets) {
    this.secrets = Set.copyOf(secrets);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void reset() {
    seenKeys.clear();
  }

  @Override
  public SandboxResponse handle(
      SandboxRequest request, List<AcceptedEvent> accepted, List<String> suppressed) {
    if (!"POST".equals(request.method())) {
      return new SandboxResponse(405, error("method not allowed"), Map.of("Allow", "POST"));
    }
    String timestamp = request.header("X-SendFlowr-Timestamp");
    String signature = request.header("X-SendFlowr-Signature");
    long seconds;
    try {
      seconds = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return SandboxResponse.json(401, error("missing or malformed X-SendFlowr-Timestamp"));
    }
    if (Math.abs(request.receivedAt().getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
      return SandboxResponse.json(401, error("timestamp outside the tolerance"));
    }
    if (signature == null || !signature.matches("v1=[0-9a-f]{64}")) {
      return SandboxResponse.json(401, error("missing or malformed X-SendFlowr-Signature"));
    }
    if (!secrets.isEmpty() && !verifies(timestamp, request.raw(), signature)) {
      return SandboxResponse.json(401, error("signature does not match"));
    }
    JsonNode json = request.json();
    if (json == null || !"sendflowr.dispatch".equals(VendorSupport.text(json, "type"))) {
      return SandboxResponse.json(400, error("body must be a sendflowr.dispatch event"));
    }
    String key = request.header("Idempotency-Key");
    if (key != null && !seenKeys.add(key)) {
      suppressed.add(key);
      return SandboxResponse.json(200, received());
    }
    JsonNode decision = json.path("decision");
    ObjectNode who = VendorSupport.object();
    who.set("universal_id", decision.path("universal_id"));
    if (decision.path("metadata").has("email")) {
      who.set("email", decision.path("metadata").get("email"));
    }
    accepted.add(
        new AcceptedEvent(
            NAME,
            request.path(),
            request.receivedAt(),
            key,
            VendorSupport.text(json, "binding_id"),
            who,
            json,
            decision));
    return SandboxResponse.json(200, received());
  }

  private boolean verifies(String timestamp, byte[] body, String signature) {
    byte[] given = HexFormat.of().parseHex(signature.substring("v1=".length()));
    byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
    for (String secret : secrets) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update(prefix);
        if (MessageDigest.isEqual(mac.doFinal(body), given)) {
          return true;
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
      }
    }
    return false;
  }

  @Override
  public SandboxResponse fault(int status, long retryAfterSeconds) {
    return new SandboxResponse(
        status,
        error(status == 429 ? "rate limited" : "sandbox fault " + status),
        VendorSupport.rateLimitHeaders(status, retryAfterSeconds));
  }

  @Override
  public SandboxResponse serverError(String detail) {
    return SandboxResponse.json(500, error(detail));
  }

  private static String received() {
    return "{\"received\":true}";
  }

  private static String error(String message) {
    ObjectNode body = VendorSupport.object();
    body.put("error", message);
    return body.toString();
  }
}
