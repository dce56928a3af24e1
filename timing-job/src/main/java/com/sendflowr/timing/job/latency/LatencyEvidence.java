package com.sendflowr.timing.job.latency;

import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.Signal;
import com.sendflowr.contract.SignalType;
import java.time.Instant;
import java.util.Optional;

/**
 * What one record says about a dispatch's latency, keyed by decision id: a dispatch outcome knows
 * the channel, the trigger and when the ESP accepted; a {@code delivered} signal knows when the
 * message arrived. Either may come first.
 */
public record LatencyEvidence(
    String decisionId, String channel, Instant triggerAt, Instant acceptedAt, Instant deliveredAt) {

  /** The signal property that ties a delivery webhook to the decision that was dispatched. */
  public static final String DECISION_ID_PROPERTY = "decision_id";

  public static Optional<LatencyEvidence> of(DispatchOutcome o) {
    if (o.state() != OutcomeState.ACCEPTED || o.firedAt() == null || o.bindingId() == null) {
      return Optional.empty();
    }
    return Optional.of(
        new LatencyEvidence(
            o.decisionId(), o.bindingId(), o.triggerTimestampUtc(), o.firedAt(), null));
  }

  public static Optional<LatencyEvidence> of(Signal s) {
    if (s.knownType().orElse(null) != SignalType.DELIVERED
        || !(s.properties().get(DECISION_ID_PROPERTY) instanceof String id)
        || id.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new LatencyEvidence(id, null, null, null, s.occurredAt()));
  }

  /** Both halves combined; this record's known fields win. */
  public LatencyEvidence merge(LatencyEvidence other) {
    return new LatencyEvidence(
        decisionId,
        channel != null ? channel : other.channel,
        triggerAt != null ? triggerAt : other.triggerAt,
        acceptedAt != null ? acceptedAt : other.acceptedAt,
        deliveredAt != null ? deliveredAt : other.deliveredAt);
  }

  public boolean complete() {
    return channel != null && triggerAt != null && deliveredAt != null;
  }
}
