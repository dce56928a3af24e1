package com.sendflowr.dispatch;

import com.sendflowr.config.IntentBinding;
import com.sendflowr.contract.DispatchOutcome;
import com.sendflowr.contract.OutcomeState;
import com.sendflowr.contract.TimingDecision;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

/** Builds outcome records, so every path that ends a decision records it the same way. */
final class Outcomes {
  private Outcomes() {}

  static DispatchOutcome of(
      TimingDecision d,
      IntentBinding binding,
      String idempotencyKey,
      int attempts,
      Integer espStatus,
      String espResponseId,
      Instant firedAt,
      OutcomeState state,
      String detail) {
    long lateness =
        firedAt == null ? 0 : Duration.between(d.triggerTimestampUtc(), firedAt).toMillis();
    // One outcome per decision and channel: a replay of the same end gets the same id.
    String channel = binding == null ? "" : "|" + binding.bindingId();
    String outcomeId =
        UUID.nameUUIDFromBytes(
                ("outcome|" + d.decisionId() + channel + "|" + state.wire())
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    return new DispatchOutcome(
        outcomeId,
        d.decisionId(),
        d.version(),
        d.requestId(),
        d.intentId(),
        d.universalId(),
        binding == null ? null : binding.bindingId(),
        idempotencyKey,
        binding == null ? null : binding.esp(),
        binding == null ? null : campaignLikeId(binding),
        binding == null ? null : binding.templateId(),
        binding == null ? null : binding.notificationId(),
        attempts,
        espStatus,
        espResponseId,
        d.triggerTimestampUtc(),
        firedAt,
        lateness,
        state,
        detail);
  }

  /**
   * What the binding fires, whatever its ESP calls it: a Klaviyo or Braze campaign, a Braze Canvas,
   * an Iterable workflow. (Customer.io event names are free text, not ids, so they stay out.)
   */
  static String campaignLikeId(IntentBinding b) {
    return Stream.of(b.campaignId(), b.canvasId(), b.workflowId())
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }

  /** An outcome for a decision that never reached an ESP. */
  static DispatchOutcome withoutCall(
      TimingDecision d, IntentBinding binding, Instant at, OutcomeState state, String detail) {
    return of(d, binding, null, 0, null, null, at, state, detail);
  }
}
