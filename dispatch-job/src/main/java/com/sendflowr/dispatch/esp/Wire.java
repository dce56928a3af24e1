package com.sendflowr.dispatch.esp;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.sendflowr.contract.Contracts;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
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

  /** Writes one JSON value with a generator. */
  @FunctionalInterface
  interface JsonWriter {
    void write(JsonGenerator g) throws IOException;
  }

  /**
   * A body written member by member instead of built as maps and serialised: for a bulk call of a
   * thousand events the maps and the serialiser's per-map sorting were most of the cost. Writers
   * keep the canonical form (members in key order, nulls left out), so the bytes are those {@link
   * Contracts#toJson} gives the same content.
   */
  static String json(JsonWriter writer) {
    StringWriter out = new StringWriter(4_096);
    try (JsonGenerator g = Contracts.mapper().getFactory().createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory writer does not fail
    }
    return out.toString();
  }

  /**
   * Writes a map of strings, numbers, booleans, lists and nested maps as canonical JSON: members in
   * key order, null values left out.
   */
  static void writeCanonical(JsonGenerator g, Object value) throws IOException {
    if (value instanceof String s) {
      g.writeString(s);
    } else if (value instanceof Integer i) {
      g.writeNumber(i);
    } else if (value instanceof Long l) {
      g.writeNumber(l);
    } else if (value instanceof Double d) {
      g.writeNumber(d);
    } else if (value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (value instanceof Map<?, ?> map) {
      List<String> keys = new ArrayList<>(map.size());
      for (Object k : map.keySet()) {
        keys.add((String) k);
      }
      keys.sort(null);
      g.writeStartObject();
      for (String k : keys) {
        Object v = map.get(k);
        if (v != null) {
          g.writeFieldName(k);
          writeCanonical(g, v);
        }
      }
      g.writeEndObject();
    } else if (value instanceof List<?> list) {
      g.writeStartArray();
      for (Object v : list) {
        writeCanonical(g, v);
      }
      g.writeEndArray();
    } else {
      // Anything else (rare in a request body) goes through the canonical mapper as is.
      Contracts.mapper().writeValue(g, value);
    }
  }
}
