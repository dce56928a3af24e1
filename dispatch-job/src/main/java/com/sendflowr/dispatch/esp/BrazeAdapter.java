package com.sendflowr.dispatch.esp;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.config.RateLimits;
import com.sendflowr.contract.Contracts;
import com.sendflowr.dispatch.DispatchCommand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Braze: a decision fires the brand's API-triggered campaign ({@code POST /campaigns/trigger/send})
 * or Canvas ({@code POST /canvas/trigger/send}) for the recipient, with the decision as the
 * recipient's {@code trigger_properties} (campaign) or {@code canvas_entry_properties} (Canvas).
 *
 * <p>From Braze's REST reference: <a
 * href="https://www.braze.com/docs/api/endpoints/messaging/send_messages/post_send_triggered_campaigns/">campaign
 * trigger send</a>, <a
 * href="https://www.braze.com/docs/api/endpoints/messaging/send_messages/post_send_triggered_canvases/">Canvas
 * trigger send</a> and the <a
 * href="https://www.braze.com/docs/api/objects_filters/recipient_object">recipient object</a>.
 * Authorization is {@code Bearer} with a REST API key holding {@code campaigns.trigger.send} or
 * {@code canvas.trigger.send}; success is 201 with a {@code dispatch_id}. One request reaches at
 * most {@value #MAX_RECIPIENTS} recipients of one campaign or Canvas, each with its own properties
 * ({@link #buildBatch}); the job batches due dispatches of one binding that way.
 *
 * <p>Braze has no idempotency key for these sends ({@code send_id} groups analytics and must be
 * created beforehand, at most 100 a day): a retry after a lost response can message twice. The key
 * travels as the {@code sendflowr_idempotency_key} property so the brand's Liquid or Currents can
 * tell a repeat.
 */
public final class BrazeAdapter implements EspAdapter {
  private static final long serialVersionUID = 1L;

  public static final String NAME = "braze";
  public static final String CAMPAIGN_PATH = "/campaigns/trigger/send";
  public static final String CANVAS_PATH = "/canvas/trigger/send";
  public static final int MAX_RECIPIENTS = 50;

  @Override
  public String name() {
    return NAME;
  }

  /** Braze hosts each customer on one REST instance; set {@code braze-base-url} to yours. */
  @Override
  public String defaultBaseUrl() {
    return "https://rest.iad-01.braze.com";
  }

  /** Campaign and Canvas trigger sends share 250,000 requests per hour: 4,166 a minute. */
  @Override
  public RateLimits publishedLimits() {
    return new RateLimits(null, 250_000 / 60);
  }

  @Override
  public EspRequest build(DispatchCommand command, String baseUrl, String apiKey) {
    return buildBatch(List.of(command), baseUrl, apiKey);
  }

  @Override
  public int maxBatchSize() {
    return MAX_RECIPIENTS;
  }

  /** One trigger send fires one campaign or Canvas: dispatches of one binding share a call. */
  @Override
  public String batchScope(DispatchCommand command) {
    IntentBinding b = command.binding();
    return b.bindingId() + "|" + b.campaignId() + "|" + b.canvasId();
  }

  /**
   * One request for the recipients of several dispatches of the same binding.
   *
   * @throws IllegalArgumentException when empty, above {@value #MAX_RECIPIENTS}, or mixing bindings
   */
  @Override
  public EspRequest buildBatch(List<DispatchCommand> commands, String baseUrl, String apiKey) {
    if (commands.isEmpty() || commands.size() > MAX_RECIPIENTS) {
      throw new IllegalArgumentException(
          "a Braze trigger send takes 1 to "
              + MAX_RECIPIENTS
              + " recipients, not "
              + commands.size());
    }
    IntentBinding b = commands.get(0).binding();
    for (DispatchCommand c : commands) {
      if (!Objects.equals(c.binding().bindingId(), b.bindingId())
          || !Objects.equals(c.binding().campaignId(), b.campaignId())
          || !Objects.equals(c.binding().canvasId(), b.canvasId())) {
        throw new IllegalArgumentException("one Braze trigger send serves one binding");
      }
    }
    boolean canvas = b.canvasId() != null;
    if (!canvas && b.campaignId() == null) {
      throw new IllegalArgumentException("'campaign_id' or 'canvas_id' is required for Braze");
    }
    String propertiesMember = canvas ? "canvas_entry_properties" : "trigger_properties";
    List<Map<String, Object>> recipients = new ArrayList<>();
    for (DispatchCommand c : commands) {
      Map<String, Object> recipient = new LinkedHashMap<>();
      recipient.put("external_user_id", c.decision().universalId());
      recipient.put(propertiesMember, DispatchProperties.withKey(c));
      recipients.add(recipient);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    if (canvas) {
      body.put("canvas_id", b.canvasId());
    } else {
      body.put("campaign_id", b.campaignId());
    }
    body.put("recipients", recipients);
    return new EspRequest(
        "POST",
        Wire.trimSlash(baseUrl) + (canvas ? CANVAS_PATH : CAMPAIGN_PATH),
        Map.of("Authorization", "Bearer " + apiKey, "Content-Type", Wire.JSON),
        Contracts.toJson(body));
  }

  @Override
  public String responseId(int status, String body) {
    return Wire.jsonText(body, "dispatch_id");
  }
}
