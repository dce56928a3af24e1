package com.sendflowr.sandbox.esp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One HTTP call the sandbox received and how it answered.
 *
 * @param method HTTP method
 * @param path request path without the query string
 * @param query raw query string, or null
 * @param headers request headers, names lower-cased; {@code authorization} holds only the scheme
 *     and the key's last four characters, so recorded calls can be printed safely
 * @param body the request body as text (empty when there was none)
 * @param receivedAt when the request arrived, before any programmed delay
 * @param status the HTTP status the sandbox answered with
 * @param responseBody the response body as text (empty for 202)
 */
public record RecordedCall(
    String method,
    String path,
    String query,
    Map<String, List<String>> headers,
    String body,
    Instant receivedAt,
    int status,
    String responseBody) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** First value of a request header (case-insensitive name), or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The request body parsed as JSON. */
  public JsonNode bodyJson() {
    return parse(body);
  }

  /** The response body parsed as JSON (e.g. Klaviyo's {@code errors} document). */
  public JsonNode responseJson() {
    return parse(responseBody);
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("Not JSON: " + text, e);
    }
  }

  /** One line for logs: no body, no secrets. */
  public String summary() {
    return method + " " + path + " -> " + status + " (" + body.length() + " bytes)";
  }
}
