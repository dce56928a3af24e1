package com.sendflowr.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How fast the dispatch job may call one ESP account: the account's configured limits, published
 * with each of its bindings. Either may be absent; absent both, the dispatcher uses the ESP's
 * published limits.
 *
 * @param perSecond calls per second, at most
 * @param perMinute calls per minute, at most
 */
public record RateLimits(Integer perSecond, Integer perMinute) implements Serializable {
  public static final RateLimits NONE = new RateLimits(null, null);

  /** Far above any ESP's limit; a larger number is a typo, not a plan. */
  public static final int MAX_PER_SECOND = 1_000_000;

  public static final int MAX_PER_MINUTE = 60_000_000;

  static final String PER_SECOND = "rate_limit_per_second";
  static final String PER_MINUTE = "rate_limit_per_minute";

  /**
   * Prefixes the snapshot fields of an account's limits for its batch endpoint (Klaviyo's bulk
   * create jobs), which the ESP sets apart from its per-event ones.
   */
  static final String BATCH = "batch_";

  public boolean isNone() {
    return perSecond == null && perMinute == null;
  }

  /** These limits where set, {@code fallback}'s where not. */
  public RateLimits orElse(RateLimits fallback) {
    return new RateLimits(
        perSecond != null ? perSecond : fallback.perSecond(),
        perMinute != null ? perMinute : fallback.perMinute());
  }

  /**
   * One of {@code parts} equal shares of these limits (rounded down, at least 1 each): what each of
   * several senders that cannot see each other may use, so that together they stay within them.
   */
  public RateLimits share(int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("parts must be at least 1, got " + parts);
    }
    return new RateLimits(
        perSecond == null ? null : Math.max(1, perSecond / parts),
        perMinute == null ? null : Math.max(1, perMinute / parts));
  }

  /** The snapshot fields that carry limits, as a binding publishes them. */
  public Map<String, Object> toSnapshot() {
    return toSnapshot("");
  }

  /** As {@link #toSnapshot()}, each field name after {@code prefix}. */
  Map<String, Object> toSnapshot(String prefix) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    if (perSecond != null) {
      m.put(prefix + PER_SECOND, perSecond);
    }
    if (perMinute != null) {
      m.put(prefix + PER_MINUTE, perMinute);
    }
    return m;
  }

  /** The snapshot fields that carry limits, each after {@code prefix}. */
  static List<String> fieldNames(String prefix) {
    return List.of(prefix + PER_SECOND, prefix + PER_MINUTE);
  }

  static RateLimits fromSnapshot(Map<String, Object> snapshot, String prefix) {
    return new RateLimits(
        (Integer) positive(snapshot.get(prefix + PER_SECOND)),
        (Integer) positive(snapshot.get(prefix + PER_MINUTE)));
  }

  private static Object positive(Object v) {
    return v == null ? null : ((Number) v).intValue();
  }

  static List<FieldError> check(Map<String, Object> snapshot, String prefix) {
    List<FieldError> errors = new ArrayList<>();
    check(snapshot, prefix + PER_SECOND, MAX_PER_SECOND, errors);
    check(snapshot, prefix + PER_MINUTE, MAX_PER_MINUTE, errors);
    return errors;
  }

  private static void check(
      Map<String, Object> snapshot, String field, int max, List<FieldError> errors) {
    Object v = snapshot.get(field);
    if (v == null) {
      return;
    }
    if (!(v instanceof Integer || v instanceof Long)
        || ((Number) v).longValue() < 1
        || ((Number) v).longValue() > max) {
      errors.add(new FieldError(field, "must be a whole number from 1 to " + max));
    }
  }
}
