package com.sendflowr.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Strict readers for one JSON object's fields; each failure names the field and the reason.
 *
 * <p>Ids ({@code *Id} readers) and map keys hold no control characters ({@link Text}); the whole
 * document was already checked for lone surrogates before any field is read.
 */
final class JsonFields {
  static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

  /** An absolute backstop behind the limits relative to the parse time. */
  static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

  private final JsonNode node;
  private final ObjectMapper mapper;

  JsonFields(JsonNode node, ObjectMapper mapper) {
    if (node == null || !node.isObject()) {
      throw new Rejection(RejectReason.MALFORMED_JSON, "expected a JSON object");
    }
    this.node = node;
    this.mapper = mapper;
  }

  private JsonNode present(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  String requiredString(String field, int maxLength) {
    String v = optionalString(field, maxLength);
    if (v == null || v.isEmpty()) {
      throw new Rejection(RejectReason.MISSING_FIELD, "'" + field + "' is required");
    }
    return v;
  }

  String optionalString(String field, int maxLength) {
    JsonNode v = present(field);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw new Rejection(RejectReason.INVALID_FIELD, "'" + field + "' must be a string");
    }
    String s = v.asText();
    if (s.length() > maxLength) {
      throw new Rejection(
          RejectReason.FIELD_TOO_LARGE,
          "'" + field + "' is " + s.length() + " characters, at most " + maxLength + " allowed");
    }
    return s;
  }

  String requiredIdentifier(String field, Pattern format, int maxLength) {
    String v = requiredId(field, maxLength);
    requireFormat(field, v, format);
    return v;
  }

  /** A required id without a fixed format: any text but control characters. */
  String requiredId(String field, int maxLength) {
    String v = requiredString(field, maxLength);
    Text.requireNoControl(field, v);
    return v;
  }

  String optionalId(String field, int maxLength) {
    String v = optionalString(field, maxLength);
    if (v != null) {
      Text.requireNoControl(field, v);
    }
    return v;
  }

  static void requireFormat(String field, String value, Pattern format) {
    if (!format.matcher(value).matches()) {
      throw new Rejection(
          RejectReason.INVALID_FIELD, "'" + field + "' does not match " + format.pattern());
    }
  }

  /**
   * A required instant in [{@link #EARLIEST}, {@code latest}].
   *
   * @param latest the latest accepted value, relative to the parse time (see {@link Contracts})
   */
  Instant requiredInstant(String field, Instant latest) {
    Instant v = optionalInstant(field, latest);
    if (v == null) {
      throw new Rejection(RejectReason.MISSING_FIELD, "'" + field + "' is required");
    }
    return v;
  }

  Instant optionalInstant(String field, Instant latest) {
    String s = optionalString(field, 40);
    if (s == null) {
      return null;
    }
    if (!Instants.isUtcShape(s)) {
      throw new Rejection(
          RejectReason.TIMESTAMP_OUT_OF_RANGE,
          "'" + field + "' must be ISO-8601 UTC like 2026-01-05T09:30:00Z but was '" + s + "'");
    }
    Instant t;
    try {
      t = Instants.parse(s);
    } catch (DateTimeParseException e) {
      throw new Rejection(
          RejectReason.TIMESTAMP_OUT_OF_RANGE, "'" + field + "' is not a valid instant: " + s);
    }
    if (t.isBefore(EARLIEST) || !t.isBefore(LATEST)) {
      throw new Rejection(
          RejectReason.TIMESTAMP_OUT_OF_RANGE,
          "'" + field + "' = " + s + " is outside [" + EARLIEST + ", " + LATEST + ")");
    }
    if (t.isAfter(latest)) {
      throw new Rejection(
          RejectReason.TIMESTAMP_OUT_OF_RANGE,
          "'" + field + "' = " + s + " is later than " + latest + ", the latest accepted now");
    }
    return t;
  }

  /**
   * A map of strings. Keys hold no control characters.
   *
   * @param valuesAreIds whether the values are ids too (identity keys), so hold no controls either
   */
  Map<String, String> stringMap(
      String field, int maxEntries, int maxValueLength, boolean valuesAreIds) {
    JsonNode v = present(field);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!v.isObject()) {
      throw new Rejection(RejectReason.INVALID_FIELD, "'" + field + "' must be an object");
    }
    if (v.size() > maxEntries) {
      throw new Rejection(
          RejectReason.FIELD_TOO_LARGE,
          "'" + field + "' has " + v.size() + " entries, at most " + maxEntries + " allowed");
    }
    var it = v.fields();
    while (it.hasNext()) {
      var e = it.next();
      Text.requireNoControl(field + " member name", e.getKey());
      if (!e.getValue().isTextual()) {
        throw new Rejection(
            RejectReason.INVALID_FIELD, "'" + field + "." + e.getKey() + "' must be a string");
      }
      String s = e.getValue().asText();
      if (s.length() > maxValueLength || e.getKey().length() > maxValueLength) {
        throw new Rejection(
            RejectReason.FIELD_TOO_LARGE, "'" + field + "." + e.getKey() + "' is too long");
      }
      if (valuesAreIds) {
        Text.requireNoControl(field + "." + e.getKey(), s);
      }
      out.put(e.getKey(), s);
    }
    return out;
  }

  Map<String, Object> objectMap(String field, int maxEntries) {
    JsonNode v = present(field);
    if (v == null) {
      return new LinkedHashMap<>();
    }
    if (!v.isObject()) {
      throw new Rejection(RejectReason.INVALID_FIELD, "'" + field + "' must be an object");
    }
    if (v.size() > maxEntries) {
      throw new Rejection(
          RejectReason.FIELD_TOO_LARGE,
          "'" + field + "' has " + v.size() + " entries, at most " + maxEntries + " allowed");
    }
    Text.requireNoControlInNames(v, field);
    requireFiniteNumbers(v, field);
    @SuppressWarnings("unchecked")
    Map<String, Object> out = mapper.convertValue(withoutNullMembers(v), LinkedHashMap.class);
    return out;
  }

  /**
   * A member set to null is a member left out: records hold immutable maps, which cannot hold a
   * null, and canonical JSON leaves null members out, so keeping one would change the record on its
   * first write.
   */
  private static JsonNode withoutNullMembers(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = ((ObjectNode) node).objectNode();
      var it = node.fields();
      while (it.hasNext()) {
        var e = it.next();
        if (!e.getValue().isNull()) {
          copy.set(e.getKey(), withoutNullMembers(e.getValue()));
        }
      }
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = ((ArrayNode) node).arrayNode();
      node.forEach(element -> copy.add(withoutNullMembers(element)));
      return copy;
    }
    return node;
  }

  /**
   * JSON has no infinity, but a literal like {@code 1e999} overflows a double to one, which is then
   * written back as the string {@code "Infinity"}: a different record.
   */
  private static void requireFiniteNumbers(JsonNode node, String path) {
    if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
      throw new Rejection(
          RejectReason.INVALID_FIELD, "'" + path + "' is a number too large for a double");
    }
    if (node.isContainerNode()) {
      var it = node.fields();
      if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          requireFiniteNumbers(node.get(i), path + "[" + i + "]");
        }
      }
      while (it.hasNext()) {
        var e = it.next();
        requireFiniteNumbers(e.getValue(), path + "." + e.getKey());
      }
    }
  }

  JsonNode optionalObject(String field) {
    JsonNode v = present(field);
    if (v != null && !v.isObject()) {
      throw new Rejection(RejectReason.INVALID_FIELD, "'" + field + "' must be an object");
    }
    return v;
  }

  int requiredInt(String field, int min, int max) {
    JsonNode v = present(field);
    if (v == null) {
      throw new Rejection(RejectReason.MISSING_FIELD, "'" + field + "' is required");
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new Rejection(RejectReason.INVALID_FIELD, "'" + field + "' must be an integer");
    }
    int i = v.asInt();
    if (i < min || i > max) {
      throw new Rejection(
          RejectReason.INVALID_FIELD, "'" + field + "' = " + i + " is outside " + min + ".." + max);
    }
    return i;
  }

  Integer optionalInt(String field, int min, int max) {
    return present(field) == null ? null : requiredInt(field, min, max);
  }

  long requiredLong(String field, long min) {
    JsonNode v = present(field);
    if (v == null) {
      throw new Rejection(RejectReason.MISSING_FIELD, "'" + field + "' is required");
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min) {
      throw new Rejection(
          RejectReason.INVALID_FIELD, "'" + field + "' must be an integer >= " + min);
    }
    return v.asLong();
  }

  double requiredDouble(String field, double min, double max) {
    JsonNode v = present(field);
    if (v == null) {
      throw new Rejection(RejectReason.MISSING_FIELD, "'" + field + "' is required");
    }
    if (!v.isNumber()) {
      throw new Rejection(RejectReason.INVALID_FIELD, "'" + field + "' must be a number");
    }
    double d = v.asDouble();
    if (!(d >= min && d <= max)) {
      throw new Rejection(
          RejectReason.INVALID_FIELD, "'" + field + "' = " + d + " is outside " + min + ".." + max);
    }
    return d;
  }

  boolean optionalBoolean(String field) {
    JsonNode v = present(field);
    if (v == null) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new Rejection(RejectReason.INVALID_FIELD, "'" + field + "' must be true or false");
    }
    return v.asBoolean();
  }
}
