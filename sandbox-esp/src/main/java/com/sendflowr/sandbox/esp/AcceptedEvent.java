package com.sendflowr.sandbox.esp;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One event the sandbox accepted: a Klaviyo event, a Braze recipient of a trigger send, an Iterable
 * workflow trigger, a Customer.io event or transactional send, a SendGrid personalization, a
 * webhook delivery.
 *
 * @param esp the vendor that accepted it, e.g. {@code klaviyo}
 * @param path the endpoint that carried it
 * @param receivedAt when its request arrived
 * @param uniqueId the key that makes it idempotent (Klaviyo {@code unique_id}, Customer.io event
 *     {@code id}, else the {@code sendflowr_idempotency_key} it carries), or null when none
 * @param metricName what it triggers: Klaviyo metric name, Braze campaign or Canvas id, Iterable
 *     workflow id, Customer.io event name or transactional message id, SendGrid template id
 * @param profile who it is for: Klaviyo's profile resource object, else the vendor's recipient
 *     identifiers (e.g. {@code external_user_id}, {@code email})
 * @param attributes the event, recipient or personalization as sent
 * @param properties the data it carries for the message ({@code properties}, {@code
 *     trigger_properties}, {@code dataFields}, {@code data}, {@code dynamic_template_data}...)
 */
public record AcceptedEvent(
    String esp,
    String path,
    Instant receivedAt,
    String uniqueId,
    String metricName,
    JsonNode profile,
    JsonNode attributes,
    JsonNode properties) {

  /** The profile's email, or null. */
  public String profileEmail() {
    JsonNode email = profile.path("attributes").path("email");
    if (!email.isTextual()) {
      email = profile.path("email");
    }
    return email.isTextual() ? email.asText() : null;
  }
}
