package com.sendflowr.sandbox.esp;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One event the sandbox accepted, from either the create-event or the bulk endpoint.
 *
 * @param path the endpoint that carried it
 * @param receivedAt when its request arrived
 * @param uniqueId the event's {@code unique_id}, or null when the client sent none
 * @param metricName the metric name, e.g. {@code "SendFlowr Trigger"}
 * @param profile the profile resource object ({@code type}, {@code id}, {@code attributes}, ...)
 * @param attributes the event's attributes as sent ({@code properties}, {@code time}, ...)
 */
public record AcceptedEvent(
    String path,
    Instant receivedAt,
    String uniqueId,
    String metricName,
    JsonNode profile,
    JsonNode attributes) {

  /** The event's custom {@code properties} object. */
  public JsonNode properties() {
    return attributes.path("properties");
  }

  /** The profile's email, or null. */
  public String profileEmail() {
    JsonNode email = profile.path("attributes").path("email");
    return email.isTextual() ? email.asText() : null;
  }
}
