package com.sendflowr.dispatch.esp;

import com.sendflowr.contract.Contracts;
import com.sendflowr.dispatch.DispatchCommand;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic webhook, for a brand whose sender is not one of the ESPs above: the due decision is
 * POSTed as JSON to the binding's {@code webhook_url}, signed so the receiver can tell it came from
 * SendFlowr and was not altered or replayed later.
 *
 * <p>Signature: {@code X-SendFlowr-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>}
 * over the exact body bytes, with {@code X-SendFlowr-Timestamp} (Unix seconds, the fire time) — the
 * scheme Stripe and Slack use, so receivers have libraries for it. The secret is what the binding's
 * {@code credential_ref} resolves to. A receiver should reject a timestamp more than a few minutes
 * old and deduplicate on {@code Idempotency-Key}, which a retry or replay repeats (with the same
 * body, timestamp and signature).
 */
public final class WebhookAdapter implements EspAdapter {
  private static final long serialVersionUID = 1L;

  public static final String NAME = "webhook";
  public static final String TIMESTAMP_HEADER = "X-SendFlowr-Timestamp";
  public static final String SIGNATURE_HEADER = "X-SendFlowr-Signature";
  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
  public static final String EVENT_TYPE = "sendflowr.dispatch";

  @Override
  public String name() {
    return NAME;
  }

  /** Unused: every binding names its own URL. */
  @Override
  public String defaultBaseUrl() {
    return "";
  }

  @Override
  public EspRequest build(DispatchCommand command, String baseUrl, String secret) {
    String url = command.binding().webhookUrl();
    if (url == null) {
      throw new IllegalArgumentException("'webhook_url' is required for a webhook");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", EVENT_TYPE);
    body.put("idempotency_key", command.idempotencyKey());
    body.put("fired_at", command.firedAt().toString());
    body.put("binding_id", command.binding().bindingId());
    body.put("intent_id", command.binding().intentId());
    body.put("decision", command.decision());
    String json = Contracts.toJson(body);
    String timestamp = String.valueOf(command.firedAt().getEpochSecond());
    return new EspRequest(
        "POST",
        url,
        Map.of(
            "Content-Type",
            Wire.JSON,
            TIMESTAMP_HEADER,
            timestamp,
            SIGNATURE_HEADER,
            "v1=" + hmacSha256Hex(secret, timestamp + "." + json),
            IDEMPOTENCY_HEADER,
            command.idempotencyKey()),
        json);
  }

  static String hmacSha256Hex(String secret, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
    }
  }
}
