package com.sendflowr.contract;

import java.time.Instant;
import java.util.Map;

/**
 * A brand asks SendFlowr to send intent {@code intentId} to one recipient inside a window;
 * SendFlowr decides when.
 *
 * @param notBefore earliest acceptable delivery; null means "from when the request is received"
 * @param notAfter latest acceptable delivery; null means the intent's default window
 * @param metadata pass-through metadata, copied onto the decision and the ESP call; never null
 */
public record SendRequest(
    String requestId,
    String universalId,
    Map<String, String> identityKeys,
    String intentId,
    Instant notBefore,
    Instant notAfter,
    Instant requestedAt,
    Map<String, String> metadata) {

  public SendRequest {
    identityKeys = identityKeys == null ? Map.of() : Map.copyOf(identityKeys);
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  public String recipientKey() {
    return RecipientKeys.of(universalId, identityKeys);
  }
}
