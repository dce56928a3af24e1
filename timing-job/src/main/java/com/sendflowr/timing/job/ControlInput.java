package com.sendflowr.timing.job;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.ConfigChange;
import java.util.Map;

/**
 * The broadcast side of the decide operator: a connector-config change (signal roles, intent
 * settings, bindings' channel ids) or a channel's freshly learned latency.
 */
public record ControlInput(ConfigChange config, LatencyUpdate latency) {

  public ControlInput {
    if ((config == null) == (latency == null)) {
      throw new IllegalArgumentException("a control input holds exactly one of config or latency");
    }
  }

  /**
   * A config change as the timing job keeps it. Of a binding only its id (and intent) is kept, the
   * opaque execution-channel key: the ESP, its ids and the credential reference never enter the
   * timing job's state (a malformed binding keeps no channel; the dispatcher dead-letters it).
   */
  public static ControlInput of(ConfigChange c) {
    return new ControlInput(espAgnostic(c), null);
  }

  static ConfigChange espAgnostic(ConfigChange c) {
    if (!IntentBinding.ENTITY_TYPE.equals(c.entityType()) || c.tombstone()) {
      return c;
    }
    Map<String, Object> channel;
    try {
      IntentBinding binding = IntentBinding.fromChange(c);
      // a disabled binding is no channel, as for the dispatcher
      channel = new java.util.HashMap<>();
      if (!Boolean.FALSE.equals(c.snapshot().get("enabled"))) {
        channel.put(CHANNEL, binding.bindingId());
        channel.put(INTENT, binding.intentId());
      }
    } catch (IllegalArgumentException malformed) {
      channel = Map.of();
    }
    return new ConfigChange(
        c.entityType(), c.entityId(), c.version(), c.changedAt(), false, channel);
  }

  /** The fields of a binding the timing job keeps: its id, and the intent it is for. */
  static final String CHANNEL = "binding_id";

  static final String INTENT = "intent_id";

  public static ControlInput of(LatencyUpdate l) {
    return new ControlInput(null, l);
  }

  /**
   * A channel's latency tracker in its own binary format.
   *
   * @param channel opaque execution-channel key (the binding id dispatch outcomes carry)
   */
  public record LatencyUpdate(String channel, byte[] tracker) {}
}
