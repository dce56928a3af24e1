package com.sendflowr.sandbox.esp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the sandbox vendors share: JSON, key checks, rate-limit headers. */
final class VendorSupport {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String IDEMPOTENCY_PROPERTY = "sendflowr_idempotency_key";
  static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");
  private static final Pattern BEARER = Pattern.compile("^Bearer\\s+(\\S+)\\s*$");

  private VendorSupport() {}

  /** The token of an {@code Authorization: Bearer} header, or null. */
  static String bearer(SandboxRequest request) {
    String authorization = request.header("Authorization");
    if (authorization == null) {
      return null;
    }
    Matcher m = BEARER.matcher(authorization);
    return m.matches() ? m.group(1) : null;
  }

  /** Whether a key is acceptable: non-blank, and one of {@code keys} unless that is empty. */
  static boolean accepted(Set<String> keys, String key) {
    return key != null && !key.isBlank() && (keys.isEmpty() || keys.contains(key));
  }

  /**
   * {@code Retry-After} (when not negative) with the {@code X-RateLimit-*} headers Braze and
   * SendGrid send on a 429.
   */
  static Map<String, String> rateLimitHeaders(int status, long retryAfterSeconds) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (retryAfterSeconds >= 0) {
      headers.put("Retry-After", String.valueOf(retryAfterSeconds));
    }
    if (status == 429) {
      headers.put("X-RateLimit-Limit", "250000");
      headers.put("X-RateLimit-Remaining", "0");
      headers.put(
          "X-RateLimit-Reset",
          String.valueOf(Instant.now().getEpochSecond() + Math.max(retryAfterSeconds, 1)));
    }
    return headers;
  }

  static String text(JsonNode node, String member) {
    JsonNode v = node == null ? null : node.get(member);
    return v != null && v.isTextual() && !v.asText().isBlank() ? v.asText() : null;
  }

  /** The {@code sendflowr_idempotency_key} a vendor without keys carries in its properties. */
  static String carriedKey(JsonNode properties) {
    return text(properties, IDEMPOTENCY_PROPERTY);
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static boolean isObjectOrAbsent(JsonNode node, String member) {
    JsonNode v = node.get(member);
    return v == null || v.isObject();
  }
}
