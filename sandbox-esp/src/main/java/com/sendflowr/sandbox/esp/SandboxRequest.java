package com.sendflowr.sandbox.esp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as a sandbox vendor sees it.
 *
 * @param headers names lower-cased, values as sent (secrets included: never record this map)
 * @param raw the body bytes, at most {@link SandboxEsp#MAX_PAYLOAD_BYTES} + 1
 */
public record SandboxRequest(
    String method,
    String path,
    String query,
    Map<String, List<String>> headers,
    byte[] raw,
    String body,
    Instant receivedAt) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** First value of a header (case-insensitive name), or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The body as JSON, or null when it is empty or not JSON. */
  public JsonNode json() {
    if (body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
