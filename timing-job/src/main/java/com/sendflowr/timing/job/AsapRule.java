package com.sendflowr.timing.job;

import com.sendflowr.contract.Contracts;
import com.sendflowr.contract.DecisionStatus;
import com.sendflowr.contract.MinuteOfWeek;
import com.sendflowr.contract.SendRequest;
import com.sendflowr.contract.TimingDecision;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The walking skeleton's timing policy: send at the earliest moment the window allows, compensated
 * for a configured ESP latency. Honest and explained, but it learns nothing; the timing model
 * replaces it. Pure code: no Flink types.
 */
public final class AsapRule {
  public static final String MODEL_VERSION = "asap-rule-v1";

  private final Duration defaultWindow;
  private final Duration latency;

  /**
   * @param defaultWindow the window length when a request gives no {@code not_after}
   * @param latency the ESP latency estimate to compensate (source: {@code configured_default})
   */
  public AsapRule(Duration defaultWindow, Duration latency) {
    this.defaultWindow = defaultWindow;
    this.latency = latency;
  }

  /** A decision and its explanation row. */
  public record Decided(TimingDecision decision, ExplanationRow explanation) {}

  /**
   * Decides version {@code version} for a request.
   *
   * @param engagementSignalsSeen how many engagement signals this recipient has sent, for the
   *     explanation's input summary
   * @return the decision, or null when the window closed before {@code now}
   */
  public Decided decide(SendRequest request, int version, long engagementSignalsSeen, Instant now) {
    Instant windowStart =
        request.notBefore() == null || request.notBefore().isBefore(now)
            ? now
            : request.notBefore();
    Instant windowEnd =
        request.notAfter() == null ? windowStart.plus(defaultWindow) : request.notAfter();
    if (!windowEnd.isAfter(now)) {
      return null;
    }
    Instant target = windowStart;
    Instant compensated = target.minus(latency);
    // A trigger in the past would fire at once anyway; say so rather than pretend.
    boolean clamped = compensated.isBefore(now);
    Instant trigger = clamped ? now : compensated;
    int minute = MinuteOfWeek.of(target);

    String decisionId = decisionId(request.requestId(), version);
    String explanationRef = "expl-" + decisionId;
    TimingDecision decision =
        new TimingDecision(
            decisionId,
            request.requestId(),
            request.intentId(),
            request.recipientKey(),
            version,
            DecisionStatus.SCHEDULED,
            null,
            minute,
            target,
            trigger,
            latency.toMillis() / 1000.0,
            "configured_default",
            0.0,
            MODEL_VERSION,
            explanationRef,
            now,
            windowEnd,
            request.metadata(),
            new TimingDecision.Debug(null, List.of(), false));

    Map<String, Object> explanation = new LinkedHashMap<>();
    explanation.put("policy", "asap: earliest instant of the window, no personal timing");
    explanation.put("fallback_reason", "walking skeleton: the timing model is not wired yet");
    explanation.put("window", Map.of("start", windowStart.toString(), "end", windowEnd.toString()));
    explanation.put("inputs", Map.of("engagement_signals_seen", engagementSignalsSeen));
    explanation.put("chosen", Map.of("target", target.toString(), "target_minute_utc", minute));
    explanation.put("runners_up", List.of());
    explanation.put(
        "latency",
        Map.of(
            "seconds",
            latency.toMillis() / 1000.0,
            "source",
            "configured_default",
            "trigger_clamped_to_now",
            clamped));
    explanation.put("confidence", Map.of("score", 0.0, "components", Map.of("evidence", 0.0)));
    explanation.put("suppression", Map.of("suppressed", false));

    ExplanationRow row =
        new ExplanationRow(
            decisionId,
            explanationRef,
            request.requestId(),
            request.intentId(),
            decision.universalId(),
            version,
            decision.status().wire(),
            now,
            minute,
            target,
            trigger,
            decision.latencyEstimateSeconds(),
            decision.latencySource(),
            decision.confidenceScore(),
            MODEL_VERSION,
            "[]",
            false,
            Contracts.toJson(explanation));
    return new Decided(decision, row);
  }

  /** Deterministic, so a replayed request yields the same id and downstream dedup works. */
  static String decisionId(String requestId, int version) {
    return UUID.nameUUIDFromBytes(
            ("decision|" + requestId + "|" + version).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
