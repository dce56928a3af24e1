package com.sendflowr.helm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a rendered resource against a CRD's openAPIV3Schema, as an API server with strict field
 * validation would: unknown fields, wrong types, values outside an enum and missing required fields
 * are errors. Neither the operator's classes nor fabric8's validation reject unknown field names,
 * and a misspelt key in a FlinkDeployment is silently ignored by a lenient server.
 */
final class CrdSchema {
  private CrdSchema() {}

  /** Checked by the API server itself, not part of a CRD's schema. */
  private static final java.util.Set<String> ROOT_FIELDS =
      java.util.Set.of("apiVersion", "kind", "metadata");

  static List<String> violations(JsonNode schema, JsonNode resource) {
    List<String> errors = new ArrayList<>();
    com.fasterxml.jackson.databind.node.ObjectNode body =
        ((com.fasterxml.jackson.databind.node.ObjectNode) resource).deepCopy();
    body.remove(ROOT_FIELDS);
    check(schema, body, "", errors);
    return errors;
  }

  private static void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
    if (value == null || value.isNull()) {
      return;
    }
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
        && !schema.has("properties")) {
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        errors.add(path + ": expected an integer or a string");
      }
      return;
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> {
        if (!value.isObject()) {
          errors.add(path + ": expected an object");
          return;
        }
        JsonNode properties = schema.path("properties");
        JsonNode additional = schema.path("additionalProperties");
        for (JsonNode required : schema.path("required")) {
          if (!value.has(required.asText())) {
            errors.add(path + "." + required.asText() + ": required");
          }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          String child = path + "." + field.getKey();
          if (properties.has(field.getKey())) {
            check(properties.get(field.getKey()), field.getValue(), child, errors);
          } else if (additional.isObject()) {
            check(additional, field.getValue(), child, errors);
          } else if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            errors.add(child + ": unknown field");
          }
        }
      }
      case "array" -> {
        if (!value.isArray()) {
          errors.add(path + ": expected an array");
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          check(schema.path("items"), value.get(i), path + "[" + i + "]", errors);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          errors.add(path + ": expected a string but was " + value);
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          errors.add(path + ": expected an integer but was " + value);
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          errors.add(path + ": expected a number but was " + value);
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          errors.add(path + ": expected a boolean but was " + value);
        }
      }
      default -> {
        // no type: anything goes
      }
    }
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode allowed : schema.get("enum")) {
        listed |= allowed.asText().equals(value.asText());
      }
      if (!listed) {
        errors.add(path + ": " + value + " is not one of " + schema.get("enum"));
      }
    }
  }
}
