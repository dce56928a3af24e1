package com.sendflowr.dispatch.esp;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.DispatchCommand;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Klaviyo: a decision fires the brand's flow by creating an event of the flow's trigger metric for
 * the recipient's profile ({@code POST /api/events}, API revision {@value #REVISION}).
 *
 * <p>Built from Klaviyo's published OpenAPI description of Create Event; the event's {@code
 * unique_id} is the idempotency key, so Klaviyo records a retried or replayed call only once.
 */
public final class KlaviyoAdapter implements EspAdapter {
  private static final long serialVersionUID = 1L;

  public static final String NAME = "klaviyo";
  public static final String REVISION = "2026-07-15";
  public static final String JSON_API = "application/vnd.api+json";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String defaultBaseUrl() {
    return "https://a.klaviyo.com";
  }

  @Override
  public EspRequest build(DispatchCommand command, String baseUrl, String apiKey) {
    TimingDecision d = command.decision();
    IntentBinding b = command.binding();

    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("sendflowr_intent_id", d.intentId());
    properties.put("sendflowr_request_id", d.requestId());
    properties.put("sendflowr_decision_id", d.decisionId());
    properties.put("sendflowr_decision_version", d.version());
    properties.put("sendflowr_explanation_ref", d.explanationRef());
    properties.put("sendflowr_target_timestamp_utc", d.targetTimestampUtc().toString());
    properties.put("sendflowr_trigger_timestamp_utc", d.triggerTimestampUtc().toString());
    properties.put("sendflowr_target_minute_utc", d.targetMinuteUtc());
    properties.put("sendflowr_latency_estimate_seconds", d.latencyEstimateSeconds());
    properties.put("sendflowr_confidence_score", d.confidenceScore());
    putIfPresent(properties, "campaign_id", b.campaignId());
    putIfPresent(properties, "template", b.templateId());
    putIfPresent(properties, "notification_id", b.notificationId());
    if (!d.metadata().isEmpty()) {
      properties.put("metadata", d.metadata());
    }

    Map<String, Object> profileAttributes = new LinkedHashMap<>();
    profileAttributes.put("external_id", d.universalId());
    putIfPresent(profileAttributes, "email", d.metadata().get("email"));
    putIfPresent(profileAttributes, "phone_number", d.metadata().get("phone_number"));

    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("properties", properties);
    attributes.put("time", command.firedAt().truncatedTo(ChronoUnit.SECONDS).toString());
    attributes.put("unique_id", command.idempotencyKey());
    attributes.put(
        "metric",
        Map.of("data", Map.of("type", "metric", "attributes", Map.of("name", b.metricName()))));
    attributes.put(
        "profile", Map.of("data", Map.of("type", "profile", "attributes", profileAttributes)));

    String body =
        Contracts.toJson(Map.of("data", Map.of("type", "event", "attributes", attributes)));
    return new EspRequest(
        "POST",
        trimSlash(baseUrl) + "/api/events",
        Map.of(
            "Authorization", "Klaviyo-API-Key " + apiKey,
            "revision", REVISION,
            "Content-Type", JSON_API,
            "Accept", JSON_API),
        body);
  }

  private static void putIfPresent(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
