package com.sendflowr.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The character rules every parsed string follows.
 *
 * <p>Input must be I-JSON (RFC 7493): no string may hold a lone UTF-16 surrogate. JSON's {@code
 * \\uD800} escape can produce one, but UTF-8 cannot encode it, so the record would change (to
 * {@code ?}) the first time it is written to Kafka or between two operators; keyed by such an id, a
 * record lands in a different key group on each side of a network shuffle.
 *
 * <p>Ids and map keys additionally hold no control characters: C0 and C1 controls, the Unicode line
 * and paragraph separators, and the bidirectional formatting controls that can make an id look like
 * another one in a log or UI. Free text (property values, metadata values, details) may hold them.
 */
final class Text {
  private Text() {}

  /** Rejects a lone surrogate in any member name or string value of {@code node}. */
  static void requireWellFormed(JsonNode node, String path) {
    if (node.isTextual()) {
      requireWellFormed(path, node.textValue());
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        requireWellFormed(path.isEmpty() ? "member name" : path + " member name", e.getKey());
        requireWellFormed(e.getValue(), child);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        requireWellFormed(node.get(i), path + "[" + i + "]");
      }
    }
  }

  static void requireWellFormed(String field, String s) {
    int at = loneSurrogate(s);
    if (at >= 0) {
      throw new Rejection(
          RejectReason.ILL_FORMED_UNICODE,
          "'"
              + printable(field)
              + "' holds a lone UTF-16 surrogate "
              + codePoint(s.charAt(at))
              + " at index "
              + at
              + ", which UTF-8 cannot encode");
    }
  }

  /** Rejects a control character in an id or a map key. */
  static void requireNoControl(String field, String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (isControl(cp)) {
        throw new Rejection(
            RejectReason.CONTROL_CHARACTER,
            "'"
                + printable(field)
                + "' holds control character "
                + codePoint(cp)
                + " at index "
                + i);
      }
      i += Character.charCount(cp);
    }
  }

  /** Rejects a control character in any member name of {@code node}, at any depth. */
  static void requireNoControlInNames(JsonNode node, String path) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        requireNoControl(path + " member name", e.getKey());
        requireNoControlInNames(e.getValue(), path + "." + e.getKey());
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        requireNoControlInNames(node.get(i), path + "[" + i + "]");
      }
    }
  }

  static boolean isControl(int cp) {
    return Character.getType(cp) == Character.CONTROL // C0, DEL, C1
        || cp == 0x2028 // line separator
        || cp == 0x2029 // paragraph separator
        || cp == 0x061C // Arabic letter mark
        || cp == 0x200E // left-to-right mark
        || cp == 0x200F // right-to-left mark
        || (cp >= 0x202A && cp <= 0x202E) // embeddings and overrides
        || (cp >= 0x2066 && cp <= 0x2069); // isolates
  }

  /** Index of the first surrogate that is not half of a pair, or -1. */
  static int loneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  private static String codePoint(int cp) {
    return String.format("U+%04X", cp);
  }

  /**
   * A field path safe to put in a detail message: the path may contain a map key from the input,
   * and the detail must itself be well-formed and free of controls.
   */
  private static String printable(String field) {
    StringBuilder b = new StringBuilder(Math.min(field.length(), 128));
    for (int i = 0; i < field.length() && b.length() < 128; i++) {
      char c = field.charAt(i);
      b.append(Character.isSurrogate(c) || isControl(c) ? '?' : c);
    }
    return b.toString();
  }
}
