package com.sendflowr.dispatch.esp;

import static com.sendflowr.dispatch.esp.Wire.putIfPresent;
import static com.sendflowr.dispatch.esp.Wire.trimSlash;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.config.RateLimits;
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

  /** Create Event: 350/s burst, 3,500/min steady (the published OpenAPI file's limits). */
  @Override
  public RateLimits publishedLimits() {
    return new RateLimits(350, 3_500);
  }

  @Override
  public EspRequest build(DispatchCommand command, String baseUrl, String apiKey) {
    TimingDecision d = command.decision();
    IntentBinding b = command.binding();

    Map<String, Object> properties = DispatchProperties.of(command);
    putIfPresent(properties, "campaign_id", b.campaignId());
    putIfPresent(properties, "template", b.templateId());
    putIfPresent(properties, "notification_id", b.notificationId());

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
}
