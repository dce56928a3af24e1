package com.sendflowr.contract;

import java.time.Instant;
import java.util.Map;

/**
 * One change to connector configuration, published to the compacted config topic keyed by {@code
 * entityType + ":" + entityId}. Consumers keep the highest version per key.
 *
 * @param snapshot the entity's full state after the change; empty for a tombstone
 */
public record ConfigChange(
    String entityType,
    String entityId,
    long version,
    Instant changedAt,
    boolean tombstone,
    Map<String, Object> snapshot) {

  public ConfigChange {
    snapshot = snapshot == null ? Map.of() : Map.copyOf(snapshot);
  }

  /** The Kafka key that compaction works on. */
  public String key() {
    return entityType + ":" + entityId;
  }
}
