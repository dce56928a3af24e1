package com.sendflowr.timing.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything one decision depends on; the same request always gives the same decision.
 *
 * @param now the decision time (event time in the job); no target is chosen before now + latency
 * @param state the recipient's state, or null for a recipient never seen (gets the prior)
 */
public record DecisionRequest(
    String recipientId,
    String intentId,
    Instant now,
    Instant notBefore,
    Instant notAfter,
    RecipientState state,
    ContextWeights context,
    LatencyModel latency,
    IntentPolicy policy) {

  /** Longer windows are almost always a configuration mistake and would make decisions slow. */
  public static final Duration MAX_WINDOW = Duration.ofDays(28);

  public DecisionRequest {
    Objects.requireNonNull(recipientId, "recipientId");
    Objects.requireNonNull(intentId, "intentId");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    if (notAfter.isBefore(notBefore)) {
      throw new IllegalArgumentException(
          "notAfter " + notAfter + " is before notBefore " + notBefore);
    }
    if (Duration.between(notBefore, notAfter).compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException("window longer than " + MAX_WINDOW.toDays() + " days");
    }
    context = context == null ? ContextWeights.none() : context;
    latency = latency == null ? LatencyModel.fixed(Duration.ZERO, "none supplied") : latency;
    policy = policy == null ? IntentPolicy.defaults(intentId) : policy;
  }

  public static DecisionRequest of(
      String recipientId,
      String intentId,
      Instant now,
      Instant notBefore,
      Instant notAfter,
      RecipientState state) {
    return new DecisionRequest(
        recipientId, intentId, now, notBefore, notAfter, state, null, null, null);
  }

  public DecisionRequest withContext(ContextWeights c) {
    return new DecisionRequest(
        recipientId, intentId, now, notBefore, notAfter, state, c, latency, policy);
  }

  public DecisionRequest withLatency(LatencyModel l) {
    return new DecisionRequest(
        recipientId, intentId, now, notBefore, notAfter, state, context, l, policy);
  }

  public DecisionRequest withPolicy(IntentPolicy p) {
    return new DecisionRequest(
        recipientId, intentId, now, notBefore, notAfter, state, context, latency, p);
  }
}
