package com.sendflowr.timing.job.identity;

import com.sendflowr.timing.job.ContextHistory;
import com.sendflowr.timing.job.PendingRequest;
import com.sendflowr.timing.job.TimingInput;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A recipient's history on its way from one universal id to the id it was merged into, or one
 * record that arrived under an id already merged away. Flink's DataStream API has no loops, so this
 * travels through a Kafka topic the job writes and reads back.
 *
 * @param state the learned curve ({@code RecipientState.toBytes()}), or null when there was none
 * @param pending the open send requests, which keep their ids and continue under {@code into}
 * @param forwarded a record that reached {@code from} after the merge; null for a history handoff
 */
public record RecipientHandoff(
    String handoffId,
    String from,
    String into,
    Instant at,
    RecipientMerge merge,
    byte[] state,
    ContextHistory context,
    List<PendingRequest> pending,
    TimingInput forwarded) {

  public RecipientHandoff {
    pending = pending == null ? List.of() : List.copyOf(pending);
  }

  /** Record equality, with the curve's bytes compared by content (the parse step relies on it). */
  @Override
  public boolean equals(Object o) {
    return o instanceof RecipientHandoff h
        && Objects.equals(handoffId, h.handoffId)
        && Objects.equals(from, h.from)
        && Objects.equals(into, h.into)
        && Objects.equals(at, h.at)
        && Objects.equals(merge, h.merge)
        && Arrays.equals(state, h.state)
        && Objects.equals(context, h.context)
        && Objects.equals(pending, h.pending)
        && Objects.equals(forwarded, h.forwarded);
  }

  @Override
  public int hashCode() {
    return Objects.hash(handoffId, from, into, at, Arrays.hashCode(state));
  }

  /** The Kafka key: the receiving id, so a recipient's handoffs stay in order. */
  public String key() {
    return into;
  }
}
