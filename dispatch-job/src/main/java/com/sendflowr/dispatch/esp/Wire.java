package com.sendflowr.dispatch.esp;

import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.contract.Contracts;
import java.io.IOException;
import java.util.Map;

/** Small pieces every adapter's wire format needs. */
final class Wire {
  static final String JSON = "application/json";

  private Wire() {}

  static void putIfPresent(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * A top-level text member of a JSON response body, or null (also for a body that is not JSON).
   */
  static String jsonText(String body, String member) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      JsonNode value = Contracts.mapper().readTree(body).get(member);
      return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    } catch (IOException e) {
      return null;
    }
  }
}
