package com.sendflowr.timing.job.latency;

import java.time.Instant;

/**
 * One observed trigger-to-arrival latency of an execution channel.
 *
 * @param kind {@code delivered} (trigger to the delivery webhook) or {@code dispatched} (trigger to
 *     the ESP accepting the call: the part of the latency the dispatcher itself sees, used for
 *     channels that send no delivery feedback)
 */
public record LatencySample(String channel, Instant triggerAt, Instant arrivedAt, String kind) {
  public static final String DELIVERED = "delivered";
  public static final String DISPATCHED = "dispatched";
}
