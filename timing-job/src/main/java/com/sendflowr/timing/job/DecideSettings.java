package com.sendflowr.timing.job;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the decide operator behaves; every field has a production default.
 *
 * @param policy {@code model} (production) or {@code asap} (the labelled fallback, pinned)
 * @param defaultLatency trigger-to-delivery latency compensated until a channel's is learned
 * @param recipientTtl a recipient with no signal or request for this long is forgotten
 * @param requestRetention how long a request id is remembered after its window, so redeliveries are
 *     recognised
 * @param maxPendingPerRecipient send requests one recipient may have open at once
 */
public record DecideSettings(
    String policy,
    Duration defaultLatency,
    Duration recipientTtl,
    Duration requestRetention,
    int maxPendingPerRecipient)
    implements Serializable {

  public static final String POLICY_MODEL = "model";
  public static final String POLICY_ASAP = "asap";

  public DecideSettings {
    if (!POLICY_MODEL.equals(policy) && !POLICY_ASAP.equals(policy)) {
      throw new IllegalArgumentException("policy must be 'model' or 'asap', not '" + policy + "'");
    }
    if (defaultLatency.isNegative()
        || recipientTtl.isNegative()
        || recipientTtl.isZero()
        || requestRetention.isNegative()
        || maxPendingPerRecipient < 1) {
      throw new IllegalArgumentException(
          "latency and retention must not be negative, TTL and max pending must be positive");
    }
  }

  public static DecideSettings defaults() {
    return new DecideSettings(
        POLICY_MODEL, Duration.ofSeconds(60), Duration.ofDays(400), RequestIdClaim.RETENTION, 256);
  }

  public DecideSettings withPolicy(String p) {
    return new DecideSettings(
        p, defaultLatency, recipientTtl, requestRetention, maxPendingPerRecipient);
  }

  public DecideSettings withDefaultLatency(Duration d) {
    return new DecideSettings(policy, d, recipientTtl, requestRetention, maxPendingPerRecipient);
  }

  public DecideSettings withRecipientTtl(Duration d) {
    return new DecideSettings(policy, defaultLatency, d, requestRetention, maxPendingPerRecipient);
  }
}
