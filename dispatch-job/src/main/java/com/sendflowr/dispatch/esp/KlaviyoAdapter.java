package com.sendflowr.dispatch.esp;

import static com.sendflowr.dispatch.esp.Wire.putIfPresent;
import static com.sendflowr.dispatch.esp.Wire.trimSlash;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.config.RateLimits;
import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.Instants;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.DispatchCommand;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Klaviyo: a decision fires the brand's flow by creating an event of the flow's trigger metric for
 * the recipient's profile ({@code POST /api/events}, API revision {@value #REVISION}).
 *
 * <p>Built from Klaviyo's published OpenAPI description of Create Event; the event's {@code
 * unique_id} is the idempotency key, so Klaviyo records a retried or replayed call only once.
 *
 * <p>Several due dispatches of one account go out as one bulk create job ({@code POST
 * /api/event-bulk-create-jobs}, at most {@value #MAX_BULK_EVENTS} events and 5 MB, from the
 * published Bulk Create Events description): one entry per dispatch, its profile and its event,
 * each event with its own metric and {@code unique_id}. A batch of one uses Create Event: its
 * limits are far higher (350/s against the bulk endpoint's 10/s) and Klaviyo processes it at once,
 * where a bulk job is queued.
 */
public final class KlaviyoAdapter implements EspAdapter {
  private static final long serialVersionUID = 1L;

  public static final String NAME = "klaviyo";
  public static final String REVISION = "2026-07-15";
  public static final String JSON_API = "application/vnd.api+json";
  public static final String EVENTS_PATH = "/api/events";
  public static final String BULK_PATH = "/api/event-bulk-create-jobs";
  public static final int MAX_BULK_EVENTS = 1_000;

  /** The bulk endpoint's payload limit. */
  public static final int MAX_BULK_BYTES = 5 * 1024 * 1024;

  /** Bulk Create Events: 10/s burst, 150/min steady (the published OpenAPI file's limits). */
  public static final RateLimits BULK_LIMITS = new RateLimits(10, 150);

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
  public int maxBatchSize() {
    return MAX_BULK_EVENTS;
  }

  /** One call for one dispatch is Create Event; for several, a bulk create job. */
  @Override
  public CallEndpoint endpoint(int dispatches) {
    return dispatches <= 1
        ? CallEndpoint.main("events", publishedLimits())
        : new CallEndpoint("event-bulk-create-jobs", BULK_LIMITS, true);
  }

  @Override
  public EspRequest build(DispatchCommand command, String baseUrl, String apiKey) {
    String body =
        Contracts.toJson(
            Map.of("data", Map.of("type", "event", "attributes", event(command, true))));
    return request(trimSlash(baseUrl) + EVENTS_PATH, apiKey, body);
  }

  /**
   * A bulk create job for 2 to {@value #MAX_BULK_EVENTS} dispatches of one account (one dispatch:
   * {@link #build}).
   */
  @Override
  public EspRequest buildBatch(List<DispatchCommand> commands, String baseUrl, String apiKey) {
    if (commands.size() == 1) {
      return build(commands.get(0), baseUrl, apiKey);
    }
    if (commands.isEmpty() || commands.size() > MAX_BULK_EVENTS) {
      throw new IllegalArgumentException(
          "a Klaviyo bulk create job takes 1 to "
              + MAX_BULK_EVENTS
              + " events, not "
              + commands.size());
    }
    List<Map<String, Object>> entries = new ArrayList<>();
    for (DispatchCommand c : commands) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("profile", profile(c.decision()));
      entry.put(
          "events",
          Map.of("data", List.of(Map.of("type", "event", "attributes", event(c, false)))));
      entries.add(Map.of("type", "event-bulk-create", "attributes", entry));
    }
    String body =
        Contracts.toJson(
            Map.of(
                "data",
                Map.of(
                    "type",
                    "event-bulk-create-job",
                    "attributes",
                    Map.of("events-bulk-create", Map.of("data", entries)))));
    int bytes = body.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BULK_BYTES) {
      throw new IllegalArgumentException(
          "a Klaviyo bulk create job takes at most "
              + MAX_BULK_BYTES
              + " bytes, these "
              + commands.size()
              + " events are "
              + bytes);
    }
    return request(trimSlash(baseUrl) + BULK_PATH, apiKey, body);
  }

  private static EspRequest request(String url, String apiKey, String body) {
    return new EspRequest(
        "POST",
        url,
        Map.of(
            "Authorization", "Klaviyo-API-Key " + apiKey,
            "revision", REVISION,
            "Content-Type", JSON_API,
            "Accept", JSON_API),
        body);
  }

  /**
   * The event's attributes; a bulk job names the profile once for its entry instead of in the
   * event.
   */
  private static Map<String, Object> event(DispatchCommand command, boolean withProfile) {
    IntentBinding b = command.binding();

    Map<String, Object> properties = DispatchProperties.of(command);
    putIfPresent(properties, "campaign_id", b.campaignId());
    putIfPresent(properties, "template", b.templateId());
    putIfPresent(properties, "notification_id", b.notificationId());

    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("properties", properties);
    attributes.put("time", Instants.format(command.firedAt().truncatedTo(ChronoUnit.SECONDS)));
    attributes.put("unique_id", command.idempotencyKey());
    attributes.put(
        "metric",
        Map.of("data", Map.of("type", "metric", "attributes", Map.of("name", b.metricName()))));
    if (withProfile) {
      attributes.put("profile", profile(command.decision()));
    }
    return attributes;
  }

  /** The recipient's profile, identified by the universal id and, when known, email and phone. */
  private static Map<String, Object> profile(TimingDecision d) {
    Map<String, Object> profileAttributes = new LinkedHashMap<>();
    profileAttributes.put("external_id", d.universalId());
    putIfPresent(profileAttributes, "email", d.metadata().get("email"));
    putIfPresent(profileAttributes, "phone_number", d.metadata().get("phone_number"));
    return Map.of("data", Map.of("type", "profile", "attributes", profileAttributes));
  }
}
