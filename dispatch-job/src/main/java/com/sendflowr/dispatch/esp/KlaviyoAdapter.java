package com.sendflowr.dispatch.esp;

import static com.sendflowr.dispatch.esp.Wire.putIfPresent;
import static com.sendflowr.dispatch.esp.Wire.trimSlash;

import com.fasterxml.jackson.core.JsonGenerator;
import com.sendflowr.config.IntentBinding;
import com.sendflowr.config.RateLimits;
import com.sendflowr.contract.Instants;
import com.sendflowr.contract.TimingDecision;
import com.sendflowr.dispatch.DispatchCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
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
        Wire.json(
            g -> {
              g.writeStartObject();
              g.writeFieldName("data");
              typed(g, "event", a -> eventAttributes(a, command, true));
              g.writeEndObject();
            });
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
    String body =
        Wire.json(
            g -> {
              g.writeStartObject();
              g.writeFieldName("data");
              typed(
                  g,
                  "event-bulk-create-job",
                  job -> {
                    job.writeFieldName("events-bulk-create");
                    job.writeStartObject();
                    job.writeFieldName("data");
                    job.writeStartArray();
                    for (DispatchCommand c : commands) {
                      typed(job, "event-bulk-create", entry -> bulkEntry(entry, c));
                    }
                    job.writeEndArray();
                    job.writeEndObject();
                  });
              g.writeEndObject();
            });
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
   * A JSON:API resource object {@code {"attributes": {...}, "type": type}}, members in canonical
   * (key) order: the writer writes the attributes' members.
   */
  private static void typed(JsonGenerator g, String type, Wire.JsonWriter attributes)
      throws IOException {
    g.writeStartObject();
    g.writeFieldName("attributes");
    g.writeStartObject();
    attributes.write(g);
    g.writeEndObject();
    g.writeStringField("type", type);
    g.writeEndObject();
  }

  /** A bulk job's entry: the profile once, and its one event (which then names no profile). */
  private static void bulkEntry(JsonGenerator g, DispatchCommand c) throws IOException {
    g.writeFieldName("events");
    g.writeStartObject();
    g.writeFieldName("data");
    g.writeStartArray();
    typed(g, "event", a -> eventAttributes(a, c, false));
    g.writeEndArray();
    g.writeEndObject();
    profile(g, c.decision());
  }

  /** The event's attributes, in key order: metric, [profile,] properties, time, unique_id. */
  private static void eventAttributes(JsonGenerator g, DispatchCommand command, boolean withProfile)
      throws IOException {
    IntentBinding b = command.binding();
    g.writeFieldName("metric");
    g.writeStartObject();
    g.writeFieldName("data");
    typed(g, "metric", m -> m.writeStringField("name", b.metricName()));
    g.writeEndObject();
    if (withProfile) {
      profile(g, command.decision());
    }
    Map<String, Object> properties = DispatchProperties.of(command);
    putIfPresent(properties, "campaign_id", b.campaignId());
    putIfPresent(properties, "template", b.templateId());
    putIfPresent(properties, "notification_id", b.notificationId());
    g.writeFieldName("properties");
    Wire.writeCanonical(g, properties);
    g.writeStringField("time", Instants.format(command.firedAt().truncatedTo(ChronoUnit.SECONDS)));
    writeIfPresent(g, "unique_id", command.idempotencyKey());
  }

  /**
   * The {@code profile} member: the recipient identified by the universal id and, when known, email
   * and phone.
   */
  private static void profile(JsonGenerator g, TimingDecision d) throws IOException {
    g.writeFieldName("profile");
    g.writeStartObject();
    g.writeFieldName("data");
    typed(
        g,
        "profile",
        a -> {
          writeIfPresent(a, "email", d.metadata().get("email"));
          writeIfPresent(a, "external_id", d.universalId());
          writeIfPresent(a, "phone_number", d.metadata().get("phone_number"));
        });
    g.writeEndObject();
  }

  private static void writeIfPresent(JsonGenerator g, String field, String value)
      throws IOException {
    if (value != null) {
      g.writeStringField(field, value);
    }
  }
}
