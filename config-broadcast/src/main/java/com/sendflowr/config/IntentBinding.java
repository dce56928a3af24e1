package com.sendflowr.config;

import com.sendflowr.contract.ConfigChange;
import java.util.Map;

/**
 * Binds an intent to one ESP action. Only connector config knows ESPs: migrating a brand from one
 * ESP to another replaces this binding, and decisions already scheduled go to the new ESP at fire
 * time.
 *
 * @param esp the adapter to use, e.g. {@code klaviyo}
 * @param account the ESP account, the unit of rate limits and outage breakers
 * @param credentialRef names the secret holding the API key; the key itself never travels through
 *     Kafka or config state
 * @param metricName the ESP event/metric that triggers the brand's flow (Klaviyo metric name)
 * @param maxLatenessSeconds a trigger firing later than this after its time is expired, not sent
 * @param dryRun record what would be sent without calling the ESP
 */
public record IntentBinding(
    String bindingId,
    String intentId,
    String esp,
    String account,
    String credentialRef,
    String metricName,
    String campaignId,
    String templateId,
    String notificationId,
    long maxLatenessSeconds,
    boolean dryRun,
    long version) {

  public static final String ENTITY_TYPE = "intent_binding";
  public static final long DEFAULT_MAX_LATENESS_SECONDS = 300;

  /**
   * Reads a binding from a config change's snapshot.
   *
   * @throws IllegalArgumentException naming the missing or invalid field
   */
  public static IntentBinding fromChange(ConfigChange change) {
    if (!ENTITY_TYPE.equals(change.entityType())) {
      throw new IllegalArgumentException("not an " + ENTITY_TYPE + ": " + change.entityType());
    }
    Map<String, Object> s = change.snapshot();
    String esp = required(s, "esp");
    return new IntentBinding(
        optional(s, "binding_id", change.entityId() + "@" + esp),
        change.entityId(),
        esp,
        optional(s, "account", "default"),
        required(s, "credential_ref"),
        optional(s, "metric_name", "SendFlowr " + change.entityId()),
        optional(s, "campaign_id", null),
        optional(s, "template_id", null),
        optional(s, "notification_id", null),
        number(s, "max_lateness_seconds", DEFAULT_MAX_LATENESS_SECONDS),
        Boolean.TRUE.equals(s.get("dry_run")),
        change.version());
  }

  private static String required(Map<String, Object> s, String field) {
    String v = optional(s, field, null);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("'" + field + "' is required in an intent binding");
    }
    return v;
  }

  private static String optional(Map<String, Object> s, String field, String fallback) {
    Object v = s.get(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String str)) {
      throw new IllegalArgumentException("'" + field + "' must be a string");
    }
    return str;
  }

  private static long number(Map<String, Object> s, String field, long fallback) {
    Object v = s.get(field);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.longValue() < 0) {
      throw new IllegalArgumentException("'" + field + "' must be a non-negative number");
    }
    return n.longValue();
  }
}
