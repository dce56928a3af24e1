package com.sendflowr.contract;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Something a recipient did or that happened to them, from a brand system, an ESP webhook or a
 * dispatch. Idempotent by {@code eventId}.
 *
 * @param eventType the wire name: a {@link SignalType} or an operator-defined type
 * @param universalId SendFlowr's recipient id; may be null when identity keys name the recipient
 * @param identityKeys hashed email, E.164 phone, ESP or commerce ids; never null
 * @param properties free-form properties; never null
 */
public record Signal(
    String eventId,
    String eventType,
    Instant occurredAt,
    String universalId,
    Map<String, String> identityKeys,
    String source,
    Map<String, Object> properties) {

  public Signal {
    identityKeys = identityKeys == null ? Map.of() : Map.copyOf(identityKeys);
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }

  /** The known type, or empty for an operator-defined type. */
  public Optional<SignalType> knownType() {
    return SignalType.fromWire(eventType);
  }

  /**
   * The key that keeps one recipient's events together: the universal id, else the first identity
   * key in name order (so the choice is deterministic across producers).
   */
  public String recipientKey() {
    return RecipientKeys.of(universalId, identityKeys);
  }
}
