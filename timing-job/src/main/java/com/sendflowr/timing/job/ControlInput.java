package com.sendflowr.timing.job;

import com.sendflowr.contract.ConfigChange;

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

  public static ControlInput of(ConfigChange c) {
    return new ControlInput(c, null);
  }

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
