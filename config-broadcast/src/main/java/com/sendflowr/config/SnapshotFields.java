package com.sendflowr.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Typed reads from a config change's snapshot, each failing with the entity and field it is about,
 * so a malformed change reaches the dead letters saying what to fix.
 */
final class SnapshotFields {
  private final String entity;
  private final Map<String, Object> snapshot;

  SnapshotFields(String entity, Map<String, Object> snapshot) {
    this.entity = entity;
    this.snapshot = snapshot;
  }

  String required(String field) {
    String v = optional(field, null);
    if (v == null || v.isBlank()) {
      throw invalid(field, "is required");
    }
    return v;
  }

  String optional(String field, String fallback) {
    Object v = snapshot.get(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String str)) {
      throw invalid(field, "must be a string");
    }
    return str;
  }

  long nonNegativeLong(String field, long fallback) {
    Object v = snapshot.get(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.longValue() < 0) {
      throw invalid(field, "must be a non-negative number");
    }
    return n.longValue();
  }

  double decimal(String field, double fallback, double min, double max) {
    Object v = snapshot.get(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
      throw invalid(field, "must be a number in [" + min + ", " + max + "]");
    }
    return n.doubleValue();
  }

  boolean flag(String field, boolean fallback) {
    Object v = snapshot.get(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Boolean b)) {
      throw invalid(field, "must be true or false");
    }
    return b;
  }

  /** An ISO-8601 duration such as {@code PT30M}, positive and at most {@code max}. */
  Duration duration(String field, Duration fallback, Duration max) {
    String v = optional(field, null);
    if (v == null) {
      return fallback;
    }
    Duration d;
    try {
      d = Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw invalid(field, "must be an ISO-8601 duration such as PT30M");
    }
    if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
      throw invalid(field, "must be positive and at most " + max);
    }
    return d;
  }

  IllegalArgumentException invalid(String field, String problem) {
    return new IllegalArgumentException("'" + field + "' " + problem + " in " + entity);
  }
}
